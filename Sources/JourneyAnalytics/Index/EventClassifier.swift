import CustomerData
import Foundation
import JourneyModel
import JourneyStore

/// Classifies stored events into a map's touchpoints, exactly as the match rules say: the first
/// touchpoint in map order whose rule selects the event, or none.
///
/// Built for millions of rows: events are grouped by their (type, name, channel) key, and each
/// key remembers which rules could select it, with the conditions on the type, name and channel
/// already answered. A key whose first remaining candidate has no other conditions is decided
/// once; otherwise the key's own reader finds only the message fields its candidates name, and
/// the conditions are tested on their bytes (``ValueBytesTest``). One classifier serves one thread.
struct EventClassifier {
    struct Condition {
        /// The stored column the condition reads, or nil when it reads the message.
        var column: FieldPath?
        /// The classifier's slots of the message paths it reads, in order of preference.
        var slots: [Int]
        /// The condition's test in ``EventClassifier/tests``.
        var test: Int
    }

    struct Rule {
        var touchpoint: Int
        var type: String?
        var name: ((String?) -> Bool)?
        var channel: String?
        var conditions: [Condition]
    }

    /// How the message decides a key's events: the candidates in map order, each with the
    /// message conditions left to test.
    struct Plan {
        var reader: JSONFieldReader
        var candidates: [(touchpoint: Int, checks: Range<Int>)]
        var checks: [Check]
        /// Where the fields lie in the message read last.
        var spans = JSONFieldReader.Spans()

        /// Finds the fields in `message` (in place: the reader is not copied).
        mutating func read(_ message: UnsafeBufferPointer<UInt8>) { reader.read(message, into: &spans) }
    }

    /// A message condition: its test and the plan reader's slots to take the value from, the
    /// second (-1 when none) when the first holds no value.
    struct Check {
        var test: Int
        var first: Int
        var second: Int
    }

    /// What is known about one (type, name, channel) key.
    struct Key {
        var type: String
        var name: String
        var channel: String
        /// The key's type, name and channel bytes as stored, one after the other.
        var bytes: [UInt8]
        var typeCount: Int
        var nameCount: Int
        /// The touchpoint when the key alone decides it (-1: unclassified), or nil when the message decides.
        var decided: Int?
        /// The key's plan in ``EventClassifier/plans`` when the message decides, or -1.
        var plan: Int
        var channelID: UInt8
        var events = 0
        var unclassified = 0
    }

    private let rules: [Rule]
    private var tests: [ValueBytesTest]
    /// The message paths any rule or extra field reads, one slot each.
    private let paths: [[String]]
    /// The message paths the rules read (and the extra fields), as key lists from the root.
    var messagePaths: [[String]] { paths }
    /// For each of ``messagePaths``, what of a value there the conditions that read it use.
    let pathUses: [MessagePathUse]
    /// Reads every path, for the extra fields.
    private let reader: JSONFieldReader
    private var slotOf: [[String]: Int]
    private(set) var keys: [Key] = []
    private var plans: [Plan] = []
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
        var tests: [ValueBytesTest] = []
        var uses: [MessagePathUse] = []
        func slots(_ path: FieldPath) -> [Int] {
            path.messagePaths.map { keys in
                if let slot = slotOf[keys] { return slot }
                slotOf[keys] = paths.count
                paths.append(keys)
                uses.append(.presence)
                return paths.count - 1
            }
        }
        rules = journey.touchpoints.enumerated().compactMap { index, touchpoint in
            guard let match = touchpoint.match else { return nil }
            return Rule(
                touchpoint: index, type: match.type?.rawValue, name: match.event.map(EventMatcher.nameTest), channel: match.channel,
                conditions: match.properties.map { condition in
                    let path = FieldPath(condition.path)
                    let column: FieldPath? = switch path {
                    case .name, .type, .channel: path
                    case .message, .traits: nil
                    }
                    tests.append(ValueBytesTest(condition.condition))
                    let slots = slots(path)
                    for slot in slots { uses[slot] = uses[slot].adding(condition.condition) }
                    return Condition(column: column, slots: slots, test: tests.count - 1)
                })
        }
        for path in extraPaths {
            for slot in slots(path) { uses[slot] = .text }
        }
        pathUses = uses
        self.tests = tests
        self.paths = paths
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
        let touchpoint = keys[key].decided ?? evaluate(keys[key].plan, message: row.message)
        if touchpoint < 0 { keys[key].unclassified += 1 }
        return touchpoint
    }

    /// What the (type, name, channel) key alone says: the touchpoint when it decides (-1: none),
    /// or nil with the slots of ``messagePaths`` its candidates' message conditions read.
    mutating func decision(type: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>, channel: UnsafeBufferPointer<UInt8>) -> (touchpoint: Int?, slots: [Int]) {
        let key = [UInt8]().withUnsafeBufferPointer { empty in
            lookup(RawEventRow(sequence: 0, customer: 0, timestamp: 0, type: type, name: name, channel: channel, message: empty))
        }
        if let decided = keys[key].decided { return (decided, []) }
        return (nil, plans[keys[key].plan].reader.paths.compactMap { slotOf[$0] })
    }

    /// The value of a message field of the current row (reads the message when not read yet).
    mutating func value(_ path: FieldPath, row: borrowing RawEventRow, key: Int) -> JSONValue? {
        switch path {
        case .name, .type, .channel: return Self.columnValue(path, of: keys[key])
        case .message, .traits:
            if !valuesRead {
                reader.read(row.message, into: &values)
                valuesRead = true
            }
            for keys in path.messagePaths { if let slot = slotOf[keys], let value = values[slot] { return value } }
            return nil
        }
    }

    private static func columnValue(_ path: FieldPath, of key: Key) -> JSONValue? {
        switch path {
        case .type: .string(key.type)
        case .channel: key.channel.isEmpty ? nil : .string(key.channel)
        default: key.name.isEmpty ? nil : .string(key.name)
        }
    }

    /// The touchpoint of the first candidate of `plan` whose conditions hold for `message`, or -1.
    private mutating func evaluate(_ plan: Int, message: UnsafeBufferPointer<UInt8>) -> Int {
        plans[plan].read(message)
        candidates: for candidate in plans[plan].candidates.indices {
            for check in plans[plan].candidates[candidate].checks where !holds(plans[plan].checks[check], plan: plan, message: message) {
                continue candidates
            }
            return plans[plan].candidates[candidate].touchpoint
        }
        return -1
    }

    /// Whether a check holds: the first of its slots with a value that parses decides, else the
    /// test's answer for an absent value.
    @inline(__always)
    private mutating func holds(_ check: Check, plan: Int, message: UnsafeBufferPointer<UInt8>) -> Bool {
        if let bytes = plans[plan].spans.value(check.first, in: message), let answer = tests[check.test].passes(bytes) { return answer }
        if check.second >= 0, let bytes = plans[plan].spans.value(check.second, in: message), let answer = tests[check.test].passes(bytes) {
            return answer
        }
        return tests[check.test].whenAbsent
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
            if Self.same(keys[index], row.type, row.name, row.channel) { return index }
            slot = (slot + 1) & mask
        }
        let index = keys.count
        keys.append(makeKey(type: row.type, name: row.name, channel: row.channel))
        table[slot] = Int32(index)
        if keys.count * 2 > table.count { grow() }
        return index
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for (index, key) in keys.enumerated() {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            key.bytes.withUnsafeBufferPointer { bytes in
                Self.mix(UnsafeBufferPointer(rebasing: bytes[..<key.typeCount]), into: &hash)
                Self.mix(UnsafeBufferPointer(rebasing: bytes[key.typeCount ..< key.typeCount + key.nameCount]), into: &hash)
                Self.mix(UnsafeBufferPointer(rebasing: bytes[(key.typeCount + key.nameCount)...]), into: &hash)
            }
            var slot = Int(truncatingIfNeeded: hash >> 20) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// Mixes one part of a key into the hash: its length and every byte, eight at a time (the
    /// last word overlapping the one before it), so that names differing only in the middle,
    /// such as page paths with ids, spread over the table instead of sharing one chain.
    @inline(__always)
    private static func mix(_ part: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        let count = part.count
        hash = (hash ^ UInt64(count)) &* 0x100_0000_01b3
        guard let base = part.baseAddress else { return }
        if count >= 8 {
            let raw = UnsafeRawPointer(base)
            var offset = 0
            while offset < count {
                let word = raw.loadUnaligned(fromByteOffset: min(offset, count - 8), as: UInt64.self)
                hash = (hash ^ word) &* 0x100_0000_01b3
                hash ^= hash >> 29
                offset += 8
            }
        } else {
            for byte in part { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
    }

    private static func same(_ key: Key, _ type: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>,
                             _ channel: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.bytes.count == type.count + name.count + channel.count, key.typeCount == type.count, key.nameCount == name.count else { return false }
        return key.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return true }
            func equal(_ part: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
                guard let start = part.baseAddress else { return true }
                return memcmp(base + offset, start, part.count) == 0
            }
            return equal(type, at: 0) && equal(name, at: type.count) && equal(channel, at: type.count + name.count)
        }
    }

    private mutating func makeKey(type typeBytes: UnsafeBufferPointer<UInt8>, name nameBytes: UnsafeBufferPointer<UInt8>,
                                  channel channelBytes: UnsafeBufferPointer<UInt8>) -> Key {
        let type = String(decoding: typeBytes, as: UTF8.self), name = String(decoding: nameBytes, as: UTF8.self)
        let channel = String(decoding: channelBytes, as: UTF8.self)
        // Rules whose type, name and channel accept the key and whose conditions on those hold, in map order.
        var candidates: [Int] = []
        for (index, rule) in rules.enumerated() {
            if let wanted = rule.type, wanted != type { continue }
            if let test = rule.name, !test(name.isEmpty ? nil : name) { continue }
            if let wanted = rule.channel, wanted != channel { continue }
            let key = Key(type: type, name: name, channel: channel, bytes: [], typeCount: 0, nameCount: 0, decided: nil, plan: -1, channelID: 0)
            let columnsHold = rule.conditions.allSatisfy { condition in
                condition.column.map { tests[condition.test].passes(value: Self.columnValue($0, of: key)) } ?? true
            }
            guard columnsHold else { continue }
            candidates.append(index)
            // A candidate with no message condition always holds: later ones are never reached.
            if !rule.conditions.contains(where: { $0.column == nil }) { break }
        }
        let channelID: UInt8
        if let known = channelIDs[channel] {
            channelID = known
        } else {
            channelID = UInt8(truncatingIfNeeded: min(channels.count, 255))
            if channels.count < 255 { channelIDs[channel] = channelID; channels.append(channel) }
        }
        let bytes = Array(typeBytes) + Array(nameBytes) + Array(channelBytes)
        guard let first = candidates.first, rules[first].conditions.contains(where: { $0.column == nil }) else {
            return Key(type: type, name: name, channel: channel, bytes: bytes, typeCount: typeBytes.count, nameCount: nameBytes.count,
                       decided: candidates.first.map { rules[$0].touchpoint } ?? -1, plan: -1, channelID: channelID)
        }
        plans.append(makePlan(candidates))
        return Key(type: type, name: name, channel: channel, bytes: bytes, typeCount: typeBytes.count, nameCount: nameBytes.count,
                   decided: nil, plan: plans.count - 1, channelID: channelID)
    }

    /// A plan whose reader reads only what the candidates' message conditions name.
    private func makePlan(_ candidates: [Int]) -> Plan {
        var readerSlots = [Int](repeating: -1, count: paths.count)
        var readerPaths: [[String]] = []
        func readerSlot(_ slot: Int) -> Int {
            if readerSlots[slot] < 0 {
                readerSlots[slot] = readerPaths.count
                readerPaths.append(paths[slot])
            }
            return readerSlots[slot]
        }
        var checks: [Check] = []
        let planned = candidates.map { candidate in
            let start = checks.count
            for condition in rules[candidate].conditions where condition.column == nil {
                let slots = condition.slots.map(readerSlot)
                checks.append(Check(test: condition.test, first: slots[0], second: slots.count > 1 ? slots[1] : -1))
            }
            return (touchpoint: rules[candidate].touchpoint, checks: start ..< checks.count)
        }
        return Plan(reader: JSONFieldReader(paths: readerPaths), candidates: planned, checks: checks)
    }
}
