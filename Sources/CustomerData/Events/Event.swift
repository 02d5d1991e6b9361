/// One interaction of one customer, following the Segment tracking spec plus Wayfinder's `feedback` type.
public struct Event: Sendable, Equatable {
    /// The Segment message type.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case track, page, screen, identify, group, alias, feedback
    }

    /// The message type.
    public var type: Kind
    /// The event name (track, feedback) or page/screen name.
    public var name: String?
    /// The sender's unique id for this message; the deduplication key.
    public var messageId: String?
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    public var timestamp: Int64
    /// The device or browser id before sign-in.
    public var anonymousId: String?
    /// The signed-in user id.
    public var userId: String?
    /// For `alias`: the id being merged into `userId`.
    public var previousId: String?
    /// For `group`: the account id.
    public var groupId: String?
    /// `context` (campaign, page, device, channel…).
    public var context: JSONValue
    /// `properties` of track, page, screen and feedback messages.
    public var properties: JSONValue
    /// `traits` of identify and group messages (or `context.traits`).
    public var traits: JSONValue

    /// Creates an event.
    public init(
        type: Kind, name: String? = nil, messageId: String? = nil, timestamp: Int64, anonymousId: String? = nil, userId: String? = nil,
        previousId: String? = nil, groupId: String? = nil, context: JSONValue = .object([]), properties: JSONValue = .object([]),
        traits: JSONValue = .object([])
    ) {
        self.type = type
        self.name = name
        self.messageId = messageId
        self.timestamp = timestamp
        self.anonymousId = anonymousId
        self.userId = userId
        self.previousId = previousId
        self.groupId = groupId
        self.context = context
        self.properties = properties
        self.traits = traits
    }

    /// The channel the event arrived on: `context.channel`, or nil.
    public var channel: String? { context["channel"]?.text }

    /// The event as a Segment message: type, name, messageId and timestamp, then the ``payload``.
    public var json: JSONValue {
        var entries: [(String, JSONValue)] = [("type", .string(type.rawValue))]
        if let name { entries.append((type == .page || type == .screen ? "name" : "event", .string(name))) }
        if let messageId { entries.append(("messageId", .string(messageId))) }
        entries.append(("timestamp", .string(Timestamp.iso8601(timestamp))))
        if case .object(let rest) = payload { entries += rest }
        return .object(entries)
    }

    /// The parts of the message that the store keeps as JSON beside its columns (type, name,
    /// timestamp, messageId and channel have columns): ids, context, properties and traits.
    public var payload: JSONValue {
        var entries: [(String, JSONValue)] = []
        if let anonymousId { entries.append(("anonymousId", .string(anonymousId))) }
        if let userId { entries.append(("userId", .string(userId))) }
        if let previousId { entries.append(("previousId", .string(previousId))) }
        if let groupId { entries.append(("groupId", .string(groupId))) }
        if !context.isEmptyObject { entries.append(("context", context)) }
        if !properties.isEmptyObject { entries.append(("properties", properties)) }
        if !traits.isEmptyObject { entries.append(("traits", traits)) }
        return .object(entries)
    }

    /// Rebuilds an event from the store's columns and payload.
    public init(type: Kind, name: String?, messageId: String?, timestamp: Int64, payload: JSONValue) {
        self.init(type: type, name: name, messageId: messageId, timestamp: timestamp, anonymousId: payload["anonymousId"]?.text,
                  userId: payload["userId"]?.text, previousId: payload["previousId"]?.text, groupId: payload["groupId"]?.text,
                  context: payload["context"] ?? .object([]), properties: payload["properties"] ?? .object([]), traits: payload["traits"] ?? .object([]))
    }

    /// The value at a dotted path, as match rules name it.
    ///
    /// `context.…`, `properties.…`, `traits.…` and top-level fields (`event`, `name`, `type`,
    /// `userId`, `anonymousId`, `channel`) are absolute; any other path is read from `properties`.
    public func value(at path: String) -> JSONValue? {
        guard let dot = path.firstIndex(of: ".") else {
            switch path {
            case "event", "name": return name.map(JSONValue.string)
            case "type": return .string(type.rawValue)
            case "userId": return userId.map(JSONValue.string)
            case "anonymousId": return anonymousId.map(JSONValue.string)
            case "messageId": return messageId.map(JSONValue.string)
            case "channel": return channel.map(JSONValue.string)
            default: return properties[path]
            }
        }
        let head = path[..<dot], rest = path[path.index(after: dot)...]
        switch head {
        case "context": return context.value(at: rest)
        case "properties": return properties.value(at: rest)
        case "traits": return traits.value(at: rest) ?? context["traits"]?.value(at: rest)
        default: return properties.value(at: path)
        }
    }
}

extension JSONValue {
    /// Whether this is an object without entries.
    public var isEmptyObject: Bool {
        if case .object(let entries) = self { return entries.isEmpty }
        return false
    }
}
