import CustomerData
import JourneyModel
import JourneyStore

/// Classifies events by their *signature*: the type, name and channel, and the JSON values at
/// the message paths the map's rules read. A backend that computes analyses itself groups its
/// events by signature, asks this once per group which touchpoint they belong to, and carries
/// the answer into its own query, so its classification is the in-process engine's.
///
/// A path's values are the JSON texts found at it in the stored message, in message order (a
/// key given twice has two); the classifier rebuilds a message holding just those and reads it
/// with the same classifier the index builder uses.
public struct SignatureClassifier {
    private var classifier: EventClassifier
    /// The message paths a signature carries values of, each a list of object keys from the root
    /// (keys as the stored message writes them).
    public let messagePaths: [[String]]
    /// For each of ``messagePaths``, what of a value there the rules use: a backend may send a
    /// stand-in that every rule answers alike for (``MessagePathUse``), so values with as many
    /// variants as ids (an order id that must exist, an order's revenue) make a few signatures,
    /// not one per order.
    public let pathUses: [MessagePathUse]
    private var key = 0

    public init(journey: JourneyMap) {
        classifier = EventClassifier(journey: journey)
        messagePaths = classifier.messagePaths
        pathUses = classifier.pathUses
    }

    /// What a (type, name, channel) key alone says: the index of the touchpoint its events go to
    /// (-1 when no rule selects them), or nil when the message decides, with the indices of the
    /// ``messagePaths`` whose values do.
    public mutating func decision(type: [UInt8], name: [UInt8], channel: [UInt8]) -> (touchpoint: Int?, paths: [Int]) {
        type.withUnsafeBufferPointer { type in
            name.withUnsafeBufferPointer { name in
                channel.withUnsafeBufferPointer { channel in
                    let answer = classifier.decision(type: type, name: name, channel: channel)
                    return (answer.touchpoint, answer.slots)
                }
            }
        }
    }

    /// The index of the touchpoint the signature's events go to, or -1 when no rule selects them.
    /// `values[p]` holds the JSON texts at ``messagePaths``[p].
    public mutating func classify(type: [UInt8], name: [UInt8], channel: [UInt8], values: [[[UInt8]]]) -> Int {
        let message = Self.message(paths: messagePaths, values: values)
        return type.withUnsafeBufferPointer { type in
            name.withUnsafeBufferPointer { name in
                channel.withUnsafeBufferPointer { channel in
                    message.withUnsafeBufferPointer { message in
                        let row = RawEventRow(sequence: 0, customer: 0, timestamp: 0, type: type, name: name, channel: channel, message: message)
                        return classifier.classify(row, key: &key)
                    }
                }
            }
        }
    }

    /// A JSON object with `values[p]` at `paths[p]`: nested objects for the keys, in first-seen order.
    static func message(paths: [[String]], values: [[[UInt8]]]) -> [UInt8] {
        final class Node {
            var children: [(key: String, node: Node)] = []
            var leaves: [(key: String, value: [UInt8])] = []
            func child(_ key: String) -> Node {
                if let found = children.first(where: { $0.key == key }) { return found.node }
                let node = Node()
                children.append((key, node))
                return node
            }
        }
        let root = Node()
        for (path, texts) in zip(paths, values) where !path.isEmpty && !texts.isEmpty {
            var node = root
            for key in path.dropLast() { node = node.child(key) }
            for text in texts { node.leaves.append((path[path.count - 1], text)) }
        }
        var bytes: [UInt8] = []
        func write(_ node: Node) {
            bytes.append(UInt8(ascii: "{"))
            var first = true
            func key(_ key: String) {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                bytes.append(UInt8(ascii: "\""))
                bytes += Array(key.utf8)
                bytes += Array("\":".utf8)
            }
            // An object's stand-in goes only where none of its values is read: the values make it.
            for leaf in node.leaves where leaf.value.first != UInt8(ascii: "{") || !node.children.contains(where: { $0.key == leaf.key }) {
                key(leaf.key)
                bytes += leaf.value
            }
            for child in node.children {
                key(child.key)
                write(child.node)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        write(root)
        return bytes
    }
}

/// What the conditions reading a message path use of the value there.
public enum MessagePathUse: Sendable, Equatable {
    /// Only whether a value is there and is not null (`exists` conditions).
    case presence
    /// Only the number a plain JSON number is, against these bounds (`gt`, `gte`, `lt`, `lte`
    /// and `exists` conditions): any two numbers on one side of each bound, and equal to none,
    /// get the same answers. Other values (strings, null) are tested as they are.
    case bounds([Double])
    /// The value itself.
    case text

    /// The use once `condition` reads the path too.
    func adding(_ condition: Condition) -> MessagePathUse {
        if case .exists = condition { return self }
        guard case .comparison(let op, .number(let bound)) = condition, op.takesNumber, bound.isFinite else { return .text }
        switch self {
        case .presence: return .bounds([bound])
        case .bounds(let bounds): return .bounds(bounds.contains(bound) ? bounds : (bounds + [bound]).sorted())
        case .text: return .text
        }
    }

    /// For ``bounds``, a plain JSON number text of each range the bounds cut the numbers into, in
    /// order: below the first bound, between each two, above the last. Every number strictly
    /// inside a range gets the answers its stand-in gets.
    public var standIns: [String] {
        guard case .bounds(let bounds) = self, let first = bounds.first, let last = bounds.last else { return [] }
        func text(_ number: Double) -> String {
            let finite = number.isFinite ? number : (number < 0 ? -Double.greatestFiniteMagnitude : Double.greatestFiniteMagnitude)
            return "\(finite)"
        }
        var texts = [text(first - max(1, abs(first)))]
        for (low, high) in zip(bounds, bounds.dropFirst()) { texts.append(text(low / 2 + high / 2)) }
        texts.append(text(last + max(1, abs(last))))
        return texts
    }
}

/// The events of one signature, for an index summary a backend computes.
public struct SignatureCount: Sendable {
    public var type: String
    public var name: String
    public var channel: String
    /// The touchpoint index, or -1 for unclassified.
    public var touchpoint: Int
    public var events: Int

    public init(type: String, name: String, channel: String, touchpoint: Int, events: Int) {
        self.type = type
        self.name = name
        self.channel = channel
        self.touchpoint = touchpoint
        self.events = events
    }
}

extension IndexSummary {
    /// The summary an index build of `journey` would give for events of these signatures (those
    /// at or after the map's live day), `customers` stitched customers, `customersWithEvents` of
    /// them with a classified event.
    public init(journey: JourneyMap, signatures: [SignatureCount], customers: Int, customersWithEvents: Int) {
        var keys: [String: Unclassified] = [:]
        var events = 0, unclassified = 0, interactions = 0
        var notJourney: [String: Int] = [:]
        var perTouchpoint = [Int](repeating: 0, count: journey.touchpoints.count)
        for signature in signatures {
            events += signature.events
            if signature.touchpoint >= 0 {
                if signature.touchpoint < perTouchpoint.count { perTouchpoint[signature.touchpoint] += signature.events }
                continue
            }
            unclassified += signature.events
            guard IndexBuilder.interactionTypes.contains(signature.type) else {
                notJourney[signature.type, default: 0] += signature.events
                continue
            }
            interactions += signature.events
            let id = signature.type + "\u{1F}" + signature.name + "\u{1F}" + signature.channel
            keys[id, default: Unclassified(type: signature.type, name: signature.name, channel: signature.channel, events: 0)].events += signature.events
        }
        let top = keys.values.sorted { ($1.events, $0.type, $0.name, $0.channel) < ($0.events, $1.type, $1.name, $1.channel) }
        self.init(events: events, classified: events - unclassified, unclassified: unclassified, unclassifiedInteractions: interactions,
                  notJourneyEvents: notJourney, customers: customers, customersWithEvents: customersWithEvents,
                  touchpointEvents: Dictionary(zip(journey.touchpoints.map(\.id), perTouchpoint), uniquingKeysWith: +),
                  topUnclassified: Array(top.prefix(IndexBuilder.unclassifiedListed)), seconds: 0)
    }
}
