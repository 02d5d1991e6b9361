/// Where a rule's dotted path finds its value: a stored column, or keys inside the stored message.
///
/// Follows `Event.value(at:)`: `event`/`name`, `type` and `channel` are columns; `userId`,
/// `anonymousId` and `messageId` are top-level keys; `context.…`, `properties.…` and `traits.…`
/// (with `context.traits.…` as a fallback) name their object; anything else is a property.
enum FieldPath: Hashable, Sendable {
    case name, type, channel
    case message([String])
    case traits([String])

    init(_ path: String) {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.count > 1 else {
            switch path {
            case "event", "name": self = .name
            case "type": self = .type
            case "channel": self = .channel
            case "userId", "anonymousId", "messageId": self = .message([path])
            default: self = .message(["properties", path])
            }
            return
        }
        switch segments[0] {
        case "context", "properties": self = .message(segments)
        case "traits": self = .traits(Array(segments.dropFirst()))
        default: self = .message(["properties"] + segments)
        }
    }

    /// The message key paths to read: traits have their fallback under `context.traits`.
    var messagePaths: [[String]] {
        switch self {
        case .name, .type, .channel: []
        case .message(let keys): [keys]
        case .traits(let keys): [["traits"] + keys, ["context", "traits"] + keys]
        }
    }
}
