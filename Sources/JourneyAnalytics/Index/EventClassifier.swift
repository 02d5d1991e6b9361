import CustomerData
import JourneyModel
import JourneyStore

/// Classifies stored events into a map's touchpoints, exactly as the match rules say: the first
/// touchpoint in map order whose rule selects the event, or none.
///
/// Built for millions of rows: events are grouped by their (type, name, channel) key, and each
/// key remembers which rules could select it. A key whose first candidate has no field
/// conditions is decided once; otherwise only the fields the rules name are read from the stored
/// message. One classifier serves one thread.
struct EventClassifier {
    struct Condition {
        var path: FieldPath
        var slots: [Int]
        var test: (JSONValue?) -> Bool
    }

    struct Rule {
        var touchpoint: Int
        var type: String?
        var name: ((String?) -> Bool)?
        var channel: String?
        var conditions: [Condition]
    }

    /// What is known about one (type, name, channel) key.
    struct Key {
        var type: String
        var name: String
        var channel: String
        var bytes: [UInt8]
        /// Rules whose type, name and channel accept the key, in map order.
        var candidates: [Int]
        /// The touchpoint when the key alone decides it (-1: unclassified), or nil when fields decide.
        var decided: Int?
        var channelID: UInt8
        var events = 0
        var unclassified = 0
    }

    let rules: [Rule]
    let reader: JSONFieldReader
    private var slotOf: [[String]: Int]
    private(set) var keys: [Key] = []
    private var table: [Int32]
    private var mask: Int
    private var values: [JSONValue?] = []
    private var valuesRead = false
    /// Channel names, interned in order of first sight (shared numbering is settled by the builder).
    private(set) var channels: [String] = []
    private var channelIDs: [String: UInt8] = [:]

    /// Compiles the rules of `journey`; `extraPaths` are further message fields to read (filters, breakdowns).
    init(journey: JourneyMap, extraPaths: [FieldPath] = []) {
        var paths: [[String]] = []
        var slotOf: [[String]: Int] = [:]
        func slots(_ path: FieldPath) -> [Int] {
            path.messagePaths.map { keys in
                if let slot = slotOf[keys] { return slot }
                slotOf[keys] = paths.count
                paths.append(keys)
                return paths.count - 1
            }
        }
        rules = journey.touchpoints.enumerated().compactMap { index, touchpoint in
            guard let match = touchpoint.match else { return nil }
            return Rule(
                touchpoint: index, type: match.type?.rawValue, name: match.event.map(EventMatcher.nameTest), channel: match.channel,
                conditions: match.properties.map { condition in
                    let path = FieldPath(condition.path)
                    return Condition(path: path, slots: slots(path), test: EventMatcher.test(condition.condition))
                })
        }
        for path in extraPaths { _ = slots(path) }
        self.slotOf = slotOf
        reader = JSONFieldReader(paths: paths)
        table = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    /// The touchpoint index of the event, or -1 when no rule selects it; `key` is set to the event's key.
    mutating func classify(_ row: borrowing RawEventRow, key: inout Int) -> Int {
        valuesRead = false
        key = lookup(row)
        keys[key].events += 1
        if let decided = keys[key].decided {
            if decided < 0 { keys[key].unclassified += 1 }
            return decided
        }
        readValues(row)
        for candidate in keys[key].candidates where conditionsHold(rules[candidate], key: key) {
            return rules[candidate].touchpoint
        }
        keys[key].unclassified += 1
        return -1
    }

    /// The value of a message field of the current row (reads the message when not read yet).
    mutating func value(_ path: FieldPath, row: borrowing RawEventRow, key: Int) -> JSONValue? {
        switch path {
        case .name: return keys[key].name.isEmpty ? nil : .string(keys[key].name)
        case .type: return .string(keys[key].type)
        case .channel: return keys[key].channel.isEmpty ? nil : .string(keys[key].channel)
        case .message, .traits:
            readValues(row)
            for keys in path.messagePaths { if let slot = slotOf[keys], let value = values[slot] { return value } }
            return nil
        }
    }

    private mutating func readValues(_ row: borrowing RawEventRow) {
        guard !valuesRead else { return }
        reader.read(row.message, into: &values)
        valuesRead = true
    }

    private func conditionsHold(_ rule: Rule, key: Int) -> Bool {
        for condition in rule.conditions {
            let value: JSONValue?
            switch condition.path {
            case .name: value = keys[key].name.isEmpty ? nil : .string(keys[key].name)
            case .type: value = .string(keys[key].type)
            case .channel: value = keys[key].channel.isEmpty ? nil : .string(keys[key].channel)
            case .message, .traits: value = condition.slots.lazy.compactMap { values[$0] }.first
            }
            if !condition.test(value) { return false }
        }
        return true
    }

    // MARK: Keys

    private mutating func lookup(_ row: borrowing RawEventRow) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        Self.mix(row.type, into: &hash)
        Self.mix(row.name, into: &hash)
        Self.mix(row.channel, into: &hash)
        var slot = Int(truncatingIfNeeded: hash >> 20) & mask
        while table[slot] >= 0 {
            let index = Int(table[slot])
            if Self.same(keys[index].bytes, row.type, row.name, row.channel) { return index }
            slot = (slot + 1) & mask
        }
        let index = keys.count
        keys.append(makeKey(type: String(decoding: row.type, as: UTF8.self), name: String(decoding: row.name, as: UTF8.self),
                            channel: String(decoding: row.channel, as: UTF8.self)))
        table[slot] = Int32(index)
        if keys.count * 2 > table.count { grow() }
        return index
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for (index, key) in keys.enumerated() {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for part in [key.type, key.name, key.channel] {
                Array(part.utf8).withUnsafeBufferPointer { Self.mix($0, into: &hash) }
            }
            var slot = Int(truncatingIfNeeded: hash >> 20) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// FNV-1a over one part of a key, then a separator.
    private static func mix(_ part: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        for byte in part { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0x1F) &* 0x100_0000_01b3
    }

    private static func same(_ bytes: [UInt8], _ type: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>,
                             _ channel: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == type.count + name.count + channel.count + 2 else { return false }
        var index = 0
        func matches(_ part: UnsafeBufferPointer<UInt8>) -> Bool {
            for byte in part {
                if bytes[index] != byte { return false }
                index += 1
            }
            index += 1
            return true
        }
        return matches(type) && matches(name) && matches(channel)
    }

    private mutating func makeKey(type: String, name: String, channel: String) -> Key {
        let candidates = rules.indices.filter { index in
            let rule = rules[index]
            if let wanted = rule.type, wanted != type { return false }
            if let test = rule.name, !test(name.isEmpty ? nil : name) { return false }
            if let wanted = rule.channel, wanted != channel { return false }
            return true
        }
        let decided: Int? = if let first = candidates.first {
            rules[first].conditions.isEmpty ? rules[first].touchpoint : nil
        } else {
            -1
        }
        let channelID: UInt8
        if let known = channelIDs[channel] {
            channelID = known
        } else {
            channelID = UInt8(truncatingIfNeeded: min(channels.count, 255))
            if channels.count < 255 { channelIDs[channel] = channelID; channels.append(channel) }
        }
        return Key(type: type, name: name, channel: channel, bytes: Array(type.utf8) + [0x1F] + Array(name.utf8) + [0x1F] + Array(channel.utf8),
                   candidates: candidates, decided: decided, channelID: channelID)
    }
}
