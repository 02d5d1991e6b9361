import Foundation
import JourneyModel
import JourneyStore

/// The open comment threads of a map as the live view and the share view list them under the
/// drawn map: each with what it is on, named for people, its author, time and replies.
///
/// Resolved threads are left out: the list is what is still being discussed. Behind a share link
/// (`shared`) every author is "a team member", since the share view names no one else.
public struct CommentListView: Sendable {
    /// One open thread.
    public struct Thread: Sendable {
        /// The HTML id the map's markers link to: `comment-ID`.
        public var anchorID: String
        /// What the thread is on, e.g. "On pain point 'Slow delivery' of Checkout".
        public var anchor: String
        /// Whether the thread's card, touchpoint or stage is no longer on the map.
        public var removed: Bool
        /// The first comment.
        public var comment: Message
        /// The replies, oldest first.
        public var replies: [Message]
    }

    /// A comment as shown.
    public struct Message: Sendable {
        /// Who wrote it (or "a team member" behind a share link).
        public var author: String
        /// When, in UTC, for people.
        public var time: String
        /// When, as an ISO 8601 timestamp for the `datetime` attribute.
        public var timestamp: String
        /// The text, verbatim (the template escapes it).
        public var body: String
    }

    /// The open threads, oldest first.
    public var threads: [Thread]
    /// The heading, with the number of open threads.
    public var heading: String

    /// The open threads of `threads` on `map`; `shared` hides who wrote them.
    public init(threads: [CommentThread], map: JourneyMap, shared: Bool) {
        let open = threads.filter { !$0.isResolved }
        self.threads = open.map { thread in
            Thread(anchorID: "comment-\(thread.comment.id)", anchor: Self.anchor(thread.comment.target, in: map),
                   removed: !thread.targetExists, comment: Self.message(thread.comment, shared: shared),
                   replies: thread.replies.map { Self.message($0, shared: shared) })
        }
        heading = open.count == 1 ? "1 open comment thread" : "\(open.count) open comment threads"
    }

    /// The link of each element's marker on the drawn map: the first open thread on the stage or touchpoint (its cards included).
    public static func markerLinks(_ threads: [CommentThread]) -> [String: String] {
        var links: [String: String] = [:]
        for thread in threads where !thread.isResolved {
            guard let element = thread.comment.target.element, links[element] == nil else { continue }
            links[element] = "#comment-\(thread.comment.id)"
        }
        return links
    }

    /// What a target is called for people: "On the map", "On the stage Decision", "On the touchpoint
    /// Checkout", "On pain point 'Slow delivery' of Checkout", "On a removed card of Checkout".
    public static func anchor(_ target: CommentTarget, in map: JourneyMap) -> String {
        switch target {
        case .map:
            return "On the map"
        case .stage(let id):
            guard let stage = map.stage(id) else { return "On a removed stage" }
            return "On the stage \(stage.name)"
        case .touchpoint(let id):
            guard let touchpoint = map.touchpoint(id) else { return "On a removed touchpoint" }
            return "On the touchpoint \(touchpoint.name)"
        case .removedCard(let id, _):
            guard let touchpoint = map.touchpoint(id) else { return "On a removed card of a removed touchpoint" }
            return "On a removed card of \(touchpoint.name)"
        case .card(let id, let lane, let index):
            guard let touchpoint = map.touchpoint(id) else { return "On a removed card of a removed touchpoint" }
            guard let (kind, text) = card(touchpoint, lane: lane, index: index, in: map) else { return "On a removed card of \(touchpoint.name)" }
            return "On \(kind) '\(text)' of \(touchpoint.name)"
        }
    }

    /// The kind of card in `lane` ("pain point", a free lane's name) and the card's text, or nil when there is no such card.
    static func card(_ touchpoint: Touchpoint, lane: String, index: Int, in map: JourneyMap) -> (String, String)? {
        func item<T>(_ items: [T], _ text: (T) -> String) -> String? { items.indices.contains(index) ? text(items[index]) : nil }
        let found: (String, String?)
        switch lane {
        case "actions": found = ("action", item(touchpoint.actions, \.text))
        case "thoughts": found = ("thought", item(touchpoint.thoughts, \.text))
        case "questions": found = ("question", item(touchpoint.questions, \.text))
        case "pain_points": found = ("pain point", item(touchpoint.painPoints, \.text))
        case "opportunities": found = ("opportunity", item(touchpoint.opportunities, \.text))
        case "kpis": found = ("KPI", item(touchpoint.kpis, \.name))
        default:
            guard let free = map.lanes.first(where: { $0.id == lane }) else { return nil }
            found = ("the \(free.name) card", index == 0 ? free.card(for: touchpoint.id)?.text : nil)
        }
        guard let text = found.1 else { return nil }
        return (found.0, text)
    }

    static func message(_ comment: Comment, shared: Bool) -> Message {
        Message(author: shared ? "a team member" : comment.author, time: readable(comment.created),
                timestamp: HomeView.date(comment.created), body: comment.body)
    }

    /// A time as people read it, the same for every reader: "6 Dec 2026, 14:05 UTC".
    static func readable(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        func two(_ number: Int?) -> String { number.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.day ?? 1) \(month) \(parts.year ?? 1970), \(two(parts.hour)):\(two(parts.minute)) UTC"
    }
}
