import CustomerData
import JourneyModel
import JourneyStore

/// What an index build reads of a classified event's message beyond its touchpoint: the answers
/// of the request's property filters and the values at its property paths (breakdowns).
///
/// A backend that classifies events itself (``ClassifyingCustomerData``) sends, with each
/// classified event, the JSON texts at ``messagePaths`` (a few values, not the message); this
/// rebuilds a message holding just those and reads it with the classifier the build's own scan
/// uses, so the answers are the scan's. Events alike in key and values are evaluated once.
public struct PropertyValues {
    /// The message paths whose JSON texts a backend sends, each a list of object keys from the root.
    public let messagePaths: [[String]]
    /// Whether a path names a column (`event`, `type`, `channel`): the backend then sends each
    /// classified event's type and name too.
    public let readsColumns: Bool
    /// Filters evaluated (at most 8), and paths whose values are kept.
    public let filterCount: Int, pathCount: Int

    /// The answers for one classified event.
    public struct Answer: Sendable, Equatable {
        /// Bit k set when the k-th property filter holds.
        public var flags: UInt8
        /// The text at each property path (nil when absent or not a string, number or boolean).
        public var values: [String?]
    }

    private var classifier: EventClassifier
    private let filterPaths: [FieldPath], propertyPaths: [FieldPath]
    private let filterTests: [(JSONValue?) -> Bool]
    private var known: [[UInt8]: Answer] = [:]
    private static let kept = 65_536
    private static let longestKept = 1_024

    /// The evaluator of `request`'s filters and property paths, or nil when it has none.
    public init?(journey: JourneyMap, request: IndexRequest) {
        guard !request.propertyPaths.isEmpty || !request.propertyFilters.isEmpty else { return nil }
        propertyPaths = request.propertyPaths.map(FieldPath.init)
        filterPaths = request.propertyFilters.map { FieldPath($0.path) }
        filterTests = request.propertyFilters.map { EventMatcher.test(.list(.in, $0.values.map { .string($0) })) }
        filterCount = filterPaths.count
        pathCount = propertyPaths.count
        classifier = EventClassifier(journey: journey, extraPaths: propertyPaths + filterPaths)
        var paths: [[String]] = [], seen: Set<[String]> = []
        var columns = false
        for path in propertyPaths + filterPaths {
            if path.messagePaths.isEmpty { columns = true }
            for keys in path.messagePaths where seen.insert(keys).inserted { paths.append(keys) }
        }
        messagePaths = paths
        readsColumns = columns
    }

    /// The answers for a classified event of this type, name and channel, with `texts[p]` the
    /// JSON text at ``messagePaths``[p] (nil when the message has none there).
    public mutating func evaluate(type: [UInt8], name: [UInt8], channel: [UInt8], texts: [[UInt8]?]) -> Answer {
        // Each part with its length first, so no two events' parts can run together.
        var key: [UInt8] = []
        func add(_ part: [UInt8]?) {
            guard let part else { key.append(0xFF); return }
            var length = part.count
            repeat {
                key.append(UInt8(length & 0x7F) | (length > 0x7F ? 0x80 : 0))
                length >>= 7
            } while length > 0
            key += part
        }
        if readsColumns { [type, name, channel].forEach(add) }
        texts.forEach(add)
        if let answer = known[key] { return answer }
        let answer = answer(type: type, name: name, channel: channel, texts: texts)
        // Long values are evaluated again rather than kept; the cache holds at most so many answers.
        guard key.count <= Self.longestKept else { return answer }
        if known.count == Self.kept { known.removeAll(keepingCapacity: true) }
        known[key] = answer
        return answer
    }

    private mutating func answer(type: [UInt8], name: [UInt8], channel: [UInt8], texts: [[UInt8]?]) -> Answer {
        let message = SignatureClassifier.message(paths: messagePaths, values: texts.map { $0.map { [$0] } ?? [] })
        return type.withUnsafeBufferPointer { type in
            name.withUnsafeBufferPointer { name in
                channel.withUnsafeBufferPointer { channel in
                    message.withUnsafeBufferPointer { message in
                        let row = RawEventRow(sequence: 0, customer: 0, timestamp: 0, type: type, name: name, channel: channel, message: message)
                        var key = 0
                        _ = classifier.classify(row, key: &key)
                        var flags: UInt8 = 0
                        for (index, test) in filterTests.enumerated() where test(classifier.value(filterPaths[index], row: row, key: key)) {
                            flags |= 1 << UInt8(index)
                        }
                        return Answer(flags: flags, values: propertyPaths.map { classifier.value($0, row: row, key: key)?.text })
                    }
                }
            }
        }
    }
}
