import CustomerData
import Dispatch
import Foundation
import JourneyModel
import JourneyStore
import Synchronization

/// What an index must hold beyond events: trait and property values for filters and breakdowns.
public struct IndexRequest: Sendable, Equatable {
    /// Trait paths whose values are kept per customer.
    public var traitPaths: [String] = []
    /// Property paths whose value (on the customer's first classified event that has it) is kept per customer.
    public var propertyPaths: [String] = []
    /// Property filters evaluated per event (at most 8).
    public var propertyFilters: [FieldFilter] = []

    /// Nothing beyond events.
    public init() {}

    /// What the queries need.
    public init(queries: [AnalysisQuery]) {
        var traits: [String] = [], properties: [String] = [], filters: [FieldFilter] = []
        func add(_ filter: Filters?) {
            guard let filter else { return }
            traits += filter.traits.map(\.path)
            filters += filter.properties
        }
        for query in queries {
            add(query.filters)
            add(query.options.before?.filters)
            add(query.options.after?.filters)
            if let breakdown = query.breakdown, let path = breakdown.path {
                if breakdown.kind == .trait { traits.append(path) }
                if breakdown.kind == .property { properties.append(path) }
            }
        }
        traitPaths = Self.unique(traits)
        propertyPaths = Self.unique(properties)
        propertyFilters = Self.unique(filters)
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen: Set<T> = []
        return items.filter { seen.insert($0).inserted }
    }
}

/// Builds a ``JourneyIndex`` from a store: reads every event once (both cores, each over half
/// the rows), classifies it, groups events by stitched customer and orders each customer's events
/// by time, then assigns personas from traits and ties survey answers to touchpoints.
public struct IndexBuilder: Sendable {
    /// Why an index cannot be built.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong and what to do.
        public var description: String
    }

    /// The workspace (its personas assign customers).
    public let workspace: Workspace
    /// The map whose rules classify events.
    public let journey: JourneyMap
    /// Extra values to keep.
    public let request: IndexRequest
    /// Threads that read events.
    public var threads = 2

    /// A builder for `journey` of `workspace`.
    public init(workspace: Workspace, journey: JourneyMap, request: IndexRequest = IndexRequest()) {
        self.workspace = workspace
        self.journey = journey
        self.request = request
    }

    /// Unclassified names listed in the summary.
    static let unclassifiedListed = 20
    /// The touchpoint value of an unclassified event kept to count off-map events.
    static let offMap: UInt16 = 0xFFFE

    /// Reads the store and builds the index; `progress` receives events read so far and the number expected.
    public func build(from store: JourneyStore, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> JourneyIndex {
        let index = try assemble(from: store, progress: progress)
        // The scan's chunks and the layout are gone now; give their memory back.
        FreeMemory.returnToSystem()
        return index
    }

    private func assemble(from store: JourneyStore, progress: (@Sendable (Int, Int) -> Void)?) throws -> JourneyIndex {
        let started = DispatchTime.now()
        guard request.propertyFilters.count <= 8 else {
            throw Failure(description: "at most 8 property filters can be applied at once (\(request.propertyFilters.count) given)")
        }
        let links = try store.customerLinks()
        let chunks = try scan(store, links: links, progress: progress)
        var layout = Layout(customers: links.roots.count, chunks: chunks)
        layout.orderByTime()
        let (personas, traits) = try readTraits(store, links: links)
        let feedback = try readFeedback(store, links: links, layout: layout)
        let summary = summarize(chunks, layout: layout, customers: links.roots.count,
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        return JourneyIndex(
            journey: journey, channelNames: layout.channelNames, personaIDs: workspace.personas.map(\.id), customers: links.roots,
            offsets: layout.offsets, timestamps: layout.timestamps, touchpoints: layout.touchpoints, channels: layout.channels,
            personas: personas, offMapEvents: layout.offMapEvents, traits: traits, properties: layout.propertyColumns(request.propertyPaths),
            propertyFlags: layout.flags, propertyFilters: request.propertyFilters, feedback: feedback, summary: summary)
    }

    // MARK: Reading events

    /// What one thread read from its share of the rows, in row id order.
    struct Chunk: Sendable {
        var customer: [Int32] = []
        var timestamp: [Int64] = []
        var touchpoint: [UInt16] = []
        var channel: [UInt8] = []
        var flags: [UInt8] = []
        /// Per property path, the first (earliest, then first read) value per customer position.
        var firstValues: [[Int32: (Int64, String)]] = []
        var keys: [KeyCount] = []
        var channelNames: [String] = []
        var events = 0
    }

    struct KeyCount: Sendable {
        var type: String, name: String, channel: String
        var events: Int, unclassified: Int
    }

    private func scan(_ store: JourneyStore, links: CustomerLinks, progress: (@Sendable (Int, Int) -> Void)?) throws -> [Chunk] {
        guard let ids = try store.eventIDRange() else { return [] }
        let parts = max(1, threads)
        let span = (ids.upperBound - ids.lowerBound + 1)
        let ranges: [ClosedRange<Int64>] = (0..<parts).compactMap { part in
            let low = ids.lowerBound + span * Int64(part) / Int64(parts)
            let high = ids.lowerBound + span * Int64(part + 1) / Int64(parts) - 1
            return low <= high ? low...high : nil
        }
        let results = Mutex<[Int: Result<Chunk, any Error>]>([:])
        let done = Atomic<Int>(0)
        let request = request, journey = journey, total = Int(span)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            let result = Result { () throws -> Chunk in
                try Self.scan(store, ids: ranges[part], links: links, journey: journey, request: request) { read in
                    let sum = done.add(read, ordering: .relaxed).newValue
                    if part == 0, let progress { progress(sum, total) }
                }
            }
            results.withLock { $0[part] = result }
        }
        return try results.withLock { results in try (0..<ranges.count).map { try results[$0]!.get() } }
    }

    private static func scan(_ store: JourneyStore, ids: ClosedRange<Int64>, links: CustomerLinks, journey: JourneyMap, request: IndexRequest,
                             reported: (Int) -> Void) throws -> Chunk {
        let propertyPaths = request.propertyPaths.map(FieldPath.init)
        let filterPaths = request.propertyFilters.map { FieldPath($0.path) }
        var classifier = EventClassifier(journey: journey, extraPaths: propertyPaths + filterPaths)
        let filterTests = request.propertyFilters.map { EventMatcher.test(.list(.in, $0.values.map { .string($0) })) }
        var chunk = Chunk()
        chunk.firstValues = Array(repeating: [:], count: propertyPaths.count)
        let estimate = Int(ids.upperBound - ids.lowerBound + 1)
        chunk.customer.reserveCapacity(estimate)
        chunk.timestamp.reserveCapacity(estimate)
        chunk.touchpoint.reserveCapacity(estimate)
        chunk.channel.reserveCapacity(estimate)
        var key = 0, sinceReport = 0
        let positions = links.rootPosition
        try store.scanEvents(ids: ids) { row in
            chunk.events += 1
            sinceReport += 1
            if sinceReport == 65_536 { reported(sinceReport); sinceReport = 0 }
            let number = Int(row.customer)
            guard number >= 0, number < positions.count, positions[number] >= 0 else { return }
            let touchpoint = classifier.classify(row, key: &key)
            if touchpoint < 0 {
                // Unclassified track, page and screen events are kept to count off-map steps.
                guard Self.isInteraction(row.type) else { return }
            }
            let customer = positions[number]
            chunk.customer.append(customer)
            chunk.timestamp.append(row.timestamp)
            chunk.touchpoint.append(touchpoint < 0 ? Self.offMap : UInt16(truncatingIfNeeded: touchpoint))
            chunk.channel.append(classifier.keys[key].channelID)
            guard touchpoint >= 0 else {
                if !filterTests.isEmpty { chunk.flags.append(0) }
                return
            }
            if !filterTests.isEmpty {
                var bits: UInt8 = 0
                for (index, test) in filterTests.enumerated() where test(classifier.value(filterPaths[index], row: row, key: key)) {
                    bits |= 1 << UInt8(index)
                }
                chunk.flags.append(bits)
            }
            for (index, path) in propertyPaths.enumerated() {
                guard let text = classifier.value(path, row: row, key: key)?.text else { continue }
                if let known = chunk.firstValues[index][customer], known.0 <= row.timestamp { continue }
                chunk.firstValues[index][customer] = (row.timestamp, text)
            }
        }
        reported(sinceReport)
        chunk.keys = classifier.keys.map { KeyCount(type: $0.type, name: $0.name, channel: $0.channel, events: $0.events, unclassified: $0.unclassified) }
        chunk.channelNames = classifier.channels
        return chunk
    }

    private static func isInteraction(_ type: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = type.first else { return false }
        // track, page, screen
        return first == UInt8(ascii: "t") || first == UInt8(ascii: "p") || (first == UInt8(ascii: "s") && type.count == 6)
    }

    // MARK: Customers

    private func readTraits(_ store: JourneyStore, links: CustomerLinks) throws -> ([UInt8], [String: ValueColumn]) {
        let personas = workspace.personas
        var paths: [[String]] = []
        func slot(_ path: String) -> Int {
            let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if let index = paths.firstIndex(of: keys) { return index }
            paths.append(keys)
            return paths.count - 1
        }
        let rules: [[(Int, (JSONValue?) -> Bool)]] = personas.map { persona in
            guard let match = persona.match else { return [] }
            return match.traits.map { (slot($0.path), EventMatcher.test($0.condition)) }
        }
        let hasRule = personas.map { $0.match != nil }
        let traitSlots = request.traitPaths.map(slot)
        let reader = JSONFieldReader(paths: paths)
        var assigned = [UInt8](repeating: JourneyIndex.noPersona, count: links.roots.count)
        var columns = request.traitPaths.map { _ in ValueColumn(codes: [UInt32](repeating: 0, count: links.roots.count)) }
        var codes = request.traitPaths.map { _ in [String: UInt32]() }
        var values: [JSONValue?] = []
        var position = 0
        guard !paths.isEmpty else { return (assigned, [:]) }
        try store.scanTraits { id, traits in
            while position < links.roots.count, links.roots[position] < id { position += 1 }
            guard position < links.roots.count, links.roots[position] == id else { return }
            reader.read(traits, into: &values)
            for (index, conditions) in rules.enumerated() where hasRule[index] && conditions.allSatisfy({ $0.1(values[$0.0]) }) {
                assigned[position] = UInt8(truncatingIfNeeded: index)
                break
            }
            for (column, traitSlot) in traitSlots.enumerated() {
                guard let text = values[traitSlot]?.text else { continue }
                let code: UInt32
                if let known = codes[column][text] {
                    code = known
                } else {
                    code = UInt32(columns[column].values.count)
                    codes[column][text] = code
                    columns[column].values.append(text)
                }
                columns[column].codes[position] = code
            }
        }
        return (assigned, Dictionary(zip(request.traitPaths, columns), uniquingKeysWith: { first, _ in first }))
    }

    private func readFeedback(_ store: JourneyStore, links: CustomerLinks, layout: Layout) throws -> [FeedbackEntry] {
        let touchpointIndex = Dictionary(journey.touchpoints.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [FeedbackEntry] = []
        for answer in try store.allFeedback() {
            let number = Int(answer.customer)
            guard number >= 0, number < links.rootPosition.count, links.rootPosition[number] >= 0 else { continue }
            let customer = Int(links.rootPosition[number])
            var touchpoint = -1, named = false
            if let id = answer.touchpoint, let index = touchpointIndex[id] {
                touchpoint = index
                named = true
            } else {
                // The last classified touchpoint at or before the answer.
                for event in layout.events(of: customer).reversed() where layout.timestamps[event] <= answer.timestamp {
                    touchpoint = Int(layout.touchpoints[event])
                    break
                }
            }
            entries.append(FeedbackEntry(customer: Int32(customer), timestamp: answer.timestamp, metric: answer.metric, score: answer.score,
                                         text: answer.text, touchpoint: touchpoint, named: named))
        }
        entries.sort { ($0.customer, $0.timestamp) < ($1.customer, $1.timestamp) }
        return entries
    }

    private func summarize(_ chunks: [Chunk], layout: Layout, customers: Int, seconds: Double) -> IndexSummary {
        var keys: [String: IndexSummary.Unclassified] = [:]
        var events = 0, unclassified = 0
        for chunk in chunks {
            events += chunk.events
            for key in chunk.keys {
                unclassified += key.unclassified
                guard key.unclassified > 0 else { continue }
                let id = key.type + "\u{1F}" + key.name + "\u{1F}" + key.channel
                keys[id, default: IndexSummary.Unclassified(type: key.type, name: key.name, channel: key.channel, events: 0)].events += key.unclassified
            }
        }
        var perTouchpoint = [Int](repeating: 0, count: journey.touchpoints.count)
        for touchpoint in layout.touchpoints { perTouchpoint[Int(touchpoint)] += 1 }
        let top = keys.values.sorted { ($1.events, $0.type, $0.name, $0.channel) < ($0.events, $1.type, $1.name, $1.channel) }
        var withEvents = 0
        for customer in 0..<customers where layout.offsets[customer + 1] > layout.offsets[customer] { withEvents += 1 }
        return IndexSummary(
            events: events, classified: events - unclassified, unclassified: unclassified, customers: customers, customersWithEvents: withEvents,
            touchpointEvents: Dictionary(zip(journey.touchpoints.map(\.id), perTouchpoint), uniquingKeysWith: +),
            topUnclassified: Array(top.prefix(Self.unclassifiedListed)), seconds: seconds)
    }
}
