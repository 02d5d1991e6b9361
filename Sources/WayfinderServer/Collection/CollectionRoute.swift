import CustomerData

/// The event collection routes, as Segment's tracking API has them, plus Wayfinder's feedback.
public enum CollectionRoute: String, Sendable, CaseIterable {
    case track, identify, page, screen, group, alias, feedback, batch

    /// `/v1/track`.
    public var path: String { "/v1/\(rawValue)" }

    /// The message type the route takes; nil for `batch`, whose messages each name theirs.
    public var type: Event.Kind? {
        switch self {
        case .track: .track
        case .identify: .identify
        case .page: .page
        case .screen: .screen
        case .group: .group
        case .alias: .alias
        case .feedback: .feedback
        case .batch: nil
        }
    }

    /// How the quarantine file names requests of this route.
    var origin: String { "POST \(path)" }
}
