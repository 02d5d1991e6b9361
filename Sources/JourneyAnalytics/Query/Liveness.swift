import JourneyModel

/// Whether a map is measured, and from when: what `live_from` and `measure_future` mean.
///
/// A current-state map is measured over all events in a query's range, from its `live_from` day
/// when it has one. A future-state map is a proposal: without `live_from` it is not live, so it is
/// shown with its designed values and not measured; with `live_from` it is measured from that day
/// on. `measure_future` (`--measure-future`) measures a future-state map against all the events in
/// the range anyway, as if it had always been live. Events before the day a map is measured from do
/// not count anywhere: not in the index, its summary, the analyses or the survey answers.
public enum Liveness: Sendable, Equatable {
    /// Measured over every event in the query's range.
    case live
    /// Measured from the start of this day (UTC) on.
    case since(CalendarDate)
    /// A future-state map without `live_from`: not measured.
    case notLive

    /// How `journey` is measured, with or without `measure_future`.
    public init(_ journey: JourneyMap, measureFuture: Bool) {
        if journey.state == .future, measureFuture {
            self = .live
        } else if let day = journey.liveFrom {
            self = .since(day)
        } else {
            self = journey.state == .future ? .notLive : .live
        }
    }

    /// Whether the map is measured at all.
    public var isMeasured: Bool { self != .notLive }

    /// The first moment that counts, in milliseconds since 1970 (nil: no lower bound).
    public var from: Int64? {
        if case .since(let day) = self { return day.millisecondsSince1970 }
        return nil
    }

    /// Why `journey` is not measured and what to do about it.
    public static func notLiveMessage(_ journey: JourneyMap) -> String {
        "journey: '\(journey.id)' is a future-state map that is not live yet, so it is shown with its designed values and not measured; "
            + "add 'live_from: YYYY-MM-DD' to the map when it goes live, or measure it against today's data anyway with \"measure_future\": true (--measure-future)"
    }

    /// One sentence for a report or a page: from when the map is measured, or that it is not live
    /// (for whoever reads the page, editor or holder of a share link; ``notLiveMessage(_:)`` says
    /// what an editor can do).
    public static func note(_ journey: JourneyMap, measureFuture: Bool) -> String? {
        switch Liveness(journey, measureFuture: measureFuture) {
        case .notLive:
            // Read on pages and through share links too, so it names no command-line option.
            return "Not live yet: this future-state map shows its designed values only; it is measured from the day its 'live_from' names once it goes live."
        case .since(let day):
            return "Measured from \(day), when the map went live (live_from); earlier events do not count."
        case .live:
            return journey.state == .future ? "Measured against all the data on request (measure_future), as if this future-state map had always been live." : nil
        }
    }
}
