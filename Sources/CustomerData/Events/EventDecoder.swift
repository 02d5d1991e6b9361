/// Turns a Segment message (parsed JSON) into an ``Event``, or says what is wrong with it.
public enum EventDecoder {
    /// Records larger than this are refused (Segment's limit for one event).
    public static let maximumRecordSize = 32 * 1024

    /// Reads one message.
    public static func decode(_ message: JSONValue) -> Result<Event, RecordProblem> {
        guard case .object = message else {
            return .failure(RecordProblem(field: "", message: "a record must be a JSON object"))
        }
        let kind: Event.Kind
        if let typeText = message["type"]?.text {
            guard let parsed = Event.Kind(rawValue: typeText.lowercased()) else {
                return .failure(RecordProblem(field: "type", message: "'\(typeText.prefix(30))' is not an event type; expected track, page, screen, identify, group, alias or feedback"))
            }
            kind = parsed
        } else if message["event"] != nil {
            kind = .track
        } else {
            return .failure(RecordProblem(field: "type", message: "the record has no type; expected track, page, screen, identify, group, alias or feedback"))
        }

        let timestampValue = message["timestamp"] ?? message["originalTimestamp"] ?? message["sentAt"] ?? message["receivedAt"]
        let timestamp: Int64
        switch timestampValue {
        case .string(let text)?:
            do { timestamp = try Timestamp.parse(text) } catch { return .failure(RecordProblem(field: "timestamp", message: error.description)) }
        case .number(let number)?:
            guard number.isFinite, abs(number) < 1e15 else { return .failure(RecordProblem(field: "timestamp", message: "the epoch value is out of range")) }
            let whole = Int64(number)
            timestamp = whole >= Timestamp.millisecondThreshold ? whole : Int64((number * 1000).rounded())
        default:
            return .failure(RecordProblem(field: "timestamp", message: "the record has no timestamp; expected ISO 8601 or epoch seconds or milliseconds"))
        }

        var event = Event(type: kind, timestamp: timestamp)
        for (field, keyPath) in [("anonymousId", \Event.anonymousId), ("userId", \Event.userId), ("previousId", \Event.previousId),
                                 ("groupId", \Event.groupId), ("messageId", \Event.messageId)] {
            switch message[field] {
            case nil, .null?: break
            case .string(let text)?: event[keyPath: keyPath] = text
            case .number?: event[keyPath: keyPath] = message[field]?.text
            default: return .failure(RecordProblem(field: field, message: "must be text"))
            }
        }
        for (field, keyPath) in [("context", \Event.context), ("properties", \Event.properties), ("traits", \Event.traits)] {
            switch message[field] {
            case nil, .null?: break
            case .object?: event[keyPath: keyPath] = message[field]!
            default: return .failure(RecordProblem(field: field, message: "must be an object"))
            }
        }
        if case .string(let channel)? = message["channel"], event.context["channel"] == nil {
            event.context = event.context.setting("channel", to: .string(channel))
        }
        switch kind {
        case .track:
            guard let name = message["event"]?.text, !name.isEmpty else {
                return .failure(RecordProblem(field: "event", message: "a track event needs an event name"))
            }
            event.name = name
        case .page, .screen:
            event.name = message["name"]?.text ?? message["event"]?.text ?? event.properties["name"]?.text
        case .feedback:
            event.name = message["event"]?.text ?? "Feedback Given"
            if case .failure(let problem) = Feedback.read(from: event) { return .failure(problem) }
        case .alias:
            guard event.previousId != nil, event.userId != nil else {
                return .failure(RecordProblem(field: "previousId", message: "an alias needs previousId and userId"))
            }
        case .identify, .group:
            event.name = message["event"]?.text
        }
        if event.anonymousId == nil, event.userId == nil, Identifier.all(of: event).isEmpty {
            return .failure(RecordProblem(field: "userId", message: "the record has no usable customer id (anonymousId, userId, email, phone, device id, or another tool's id in context.externalIds)"))
        }
        return .success(event)
    }
}

extension JSONValue {
    /// An object with `key` set (replaced in place, or appended).
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var entries) = self else { return .object([(key, value)]) }
        if let index = entries.firstIndex(where: { $0.0 == key }) { entries[index].1 = value } else { entries.append((key, value)) }
        return .object(entries)
    }

    /// An object with the value at a dotted path set, creating objects on the way.
    public func setting(path: some StringProtocol, to value: JSONValue) -> JSONValue {
        guard let dot = path.firstIndex(of: ".") else { return setting(String(path), to: value) }
        let head = String(path[..<dot])
        let inner = self[head] ?? .object([])
        return setting(head, to: inner.setting(path: path[path.index(after: dot)...], to: value))
    }
}
