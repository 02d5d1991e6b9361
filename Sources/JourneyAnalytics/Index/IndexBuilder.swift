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
    /// Whether a future-state map is measured against all the data (`measure_future`; see ``Liveness``).
    public var measureFuture = false

    /// Nothing beyond events.
    public init() {}

    /// What the queries need; a segmentation without trait paths reads those of `workspace`'s persona rules.
    public init(queries: [AnalysisQuery], workspace: Workspace? = nil) {
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
            if query.kind.listsCustomers { traits += CustomerNames.traitPaths }
            if query.kind == .attribution, let value = query.options.value { properties.append(value) }
            if query.kind == .segments, query.options.segmentBy != .journeys {
                traits += query.options.traits.isEmpty ? (workspace?.personas ?? []).flatMap { $0.match?.traits.map(\.path) ?? [] } : query.options.traits
            }
            if let breakdown = query.breakdown, let path = breakdown.path {
                if breakdown.kind == .trait { traits.append(path) }
                if breakdown.kind == .property { properties.append(path) }
            }
        }
        traitPaths = Self.unique(traits)
        propertyPaths = Self.unique(properties)
        propertyFilters = Self.unique(filters)
        measureFuture = queries.contains { $0.options.measureFuture }
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen: Set<T> = []
        return items.filter { seen.insert($0).inserted }
    }
}

/// Builds a ``JourneyIndex`` from a store: reads every event once and classifies it, with the
/// customers' traits (which assign personas) and the survey answers read alongside (all cores,
/// each taking the next part of the rows when done with one), then groups events by stitched
/// customer, orders each customer's events by time and ties survey answers to touchpoints.
/// Events and answers before the map's live day are left out, and a map that is not live is
/// refused (``Liveness``).
public struct IndexBuilder: Sendable {
    /// Why an index cannot be built.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong and what to do.
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// The workspace (its personas assign customers).
    public let workspace: Workspace
    /// The map whose rules classify events.
    public let journey: JourneyMap
    /// Extra values to keep.
    public let request: IndexRequest
    /// Threads that read the store (events, traits and survey answers): one a core.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    /// A builder for `journey` of `workspace`.
    public init(workspace: Workspace, journey: JourneyMap, request: IndexRequest = IndexRequest()) {
        self.workspace = workspace
        self.journey = journey
        self.request = request
    }

    /// Unclassified names listed in the summary.
    static let unclassifiedListed = 20
    /// The event types that are steps of a journey: what a touchpoint could describe.
    static let interactionTypes: Set<String> = ["track", "page", "screen"]
    /// The touchpoint value of an unclassified event kept to count off-map events.
    static let offMap: UInt16 = 0xFFFE

    /// Reads the store and builds the index; `progress` receives events read so far and the number expected.
    public func build(from store: any CustomerDataReader, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> JourneyIndex {
        let index = try assemble(from: store, over: nil, through: nil, keep: false, progress: progress).index
        // The scan's chunks and the layout are gone now; give their memory back.
        FreeMemory.returnToSystem()
        return index
    }

    /// Brings `previous` up to date with the store and returns the index with the new state.
    ///
    /// The events after the state's last one (up to `lastEvent`, or the store's last when nil)
    /// are read and classified and laid out with the state's rows; the customers (stitching and
    /// merges), their traits and the survey answers are read again whole. The result is the one a
    /// build from scratch gives. Without a state, or with one of another map, personas or request,
    /// or when a customer the state holds was erased since, everything is read.
    public func update(_ previous: IndexState?, from store: any CustomerDataReader, through lastEvent: Int64? = nil,
                       progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (index: JourneyIndex, state: IndexState, carried: Bool, read: Int) {
        let result = try assemble(from: store, over: previous, through: lastEvent, keep: true, progress: progress)
        FreeMemory.returnToSystem()
        return (result.index, result.state!, result.carried, result.read)
    }

    /// The index a state holds, without reading the store: for a state whose watermark is still
    /// the store's. Nil when the state was built for another map, personas or request.
    public func index(from state: IndexState) -> JourneyIndex? {
        guard state.key == stateKey, state.fits(request) else { return nil }
        let started = DispatchTime.now()
        var layout = Layout(state)
        layout.dropOffMap()
        return index(layout: layout, roots: state.roots, personas: state.personas, traits: state.traits, answers: state.answers,
                     keys: state.keys, events: state.events, started: started)
    }

    /// What a state must have been built for to be reused by this builder: the map, the personas
    /// and the request, as a digest.
    public var stateKey: String {
        var text = "wayfinder-index-\(IndexState.format)-\(IndexState.engine)\u{1F}" + WorkspaceCodec.text(journey, syntax: .json)
        for persona in workspace.personas { text += "\u{1F}" + WorkspaceCodec.text(persona, syntax: .json) }
        text += "\u{1F}\(request.traitPaths)\u{1F}\(request.propertyPaths)\u{1F}\(request.propertyFilters)\u{1F}\(request.measureFuture)"
        let digest = Digest.hash128(text)
        return String(format: "%016llx%016llx", digest.0, digest.1)
    }

    private func assemble(from store: any CustomerDataReader, over previous: IndexState?, through lastEvent: Int64?, keep: Bool,
                          progress: (@Sendable (Int, Int) -> Void)?) throws -> (index: JourneyIndex, state: IndexState?, carried: Bool, read: Int) {
        let started = DispatchTime.now()
        // Touchpoints and personas are held as small integers, with their top values reserved.
        guard journey.touchpoints.count < Int(Self.offMap) else {
            throw Failure(description: "the map '\(journey.id)' has \(journey.touchpoints.count) touchpoints; the analytics index takes at most \(Int(Self.offMap) - 1), so split it into several maps")
        }
        guard workspace.personas.count < Int(JourneyIndex.noPersona) else {
            throw Failure(description: "the workspace has \(workspace.personas.count) personas; the analytics index takes at most \(Int(JourneyIndex.noPersona) - 1), so merge some")
        }
        guard request.propertyFilters.count <= 8 else {
            throw Failure(description: "at most 8 property filters can be applied at once (\(request.propertyFilters.count) given)")
        }
        let liveness = Liveness(journey, measureFuture: request.measureFuture)
        guard liveness.isMeasured else { throw Failure(description: Liveness.notLiveMessage(journey)) }
        let links = try store.customerLinks()
        let stored = try store.eventIDRange()
        let last = min(lastEvent ?? .max, stored?.upperBound ?? .min)
        // The rows of a state carry over when every customer it holds is still there and no event
        // it read is gone (an erasure removes customers and their events, and may free sequence
        // numbers for new events).
        let moved = previous.flatMap { previous in
            previous.key == stateKey && previous.lastEvent <= last && previous.fits(request) ? previous.positions(in: links) : nil
        }
        let carried = moved.map { previous!.chunk(positions: $0) }
        // The events after the state's last one, or all of them.
        let ids: ClosedRange<Int64>? = stored.flatMap { stored in
            let first = carried == nil ? stored.lowerBound : max(stored.lowerBound, previous!.lastEvent == .max ? .max : previous!.lastEvent + 1)
            return first <= last && (carried == nil || previous!.lastEvent < last) ? first...last : nil
        }
        let since = liveness.from ?? .min
        let chunks: [Chunk], personas: [UInt8], traits: [String: ValueColumn], answers: FeedbackAnswers.Arrivals
        if let previous, let moved {
            // The new events first: the customers they arrived for are those whose traits may have changed.
            let answerIDs: ClosedRange<Int64>? = ids.map { $0.lowerBound ... last }
            let read = try read(store, ids: ids, links: links, since: since, traits: false, answers: answerIDs, tracking: true, progress: progress)
            chunks = read.chunks
            (personas, traits) = try readTraits(store, links: links, carrying: previous, moved: moved, touched: chunks.map(\.touched))
            answers = previous.answers.moved(to: moved).appending(read.answers)
        } else if let classified = try classifiedElsewhere(store, through: lastEvent, since: since) {
            // The backend classified the events: only the customers and the answers are read here.
            let read = try read(store, ids: nil, links: links, since: since, traits: true, answers: stored.map { .min ... $0.upperBound }, tracking: false,
                                progress: nil)
            chunks = [Self.chunk(classified, links: links, properties: request.propertyPaths.count)]
            (personas, traits, answers) = (read.customers.0, read.customers.1, read.answers)
            progress?(chunks[0].events, chunks[0].events)
        } else {
            let read = try read(store, ids: ids, links: links, since: since, traits: true, answers: ids.map { .min ... $0.upperBound }, tracking: false,
                                progress: progress)
            (chunks, (personas, traits), answers) = (read.chunks, read.customers, read.answers)
        }
        var layout = Layout(customers: links.roots.count, properties: request.propertyPaths.count, chunks: (carried.map { [$0] } ?? []) + chunks)
        layout.orderByTime()
        var keys = carried.map { _ in previous?.keys ?? [] } ?? []
        Self.add(chunks.flatMap(\.keys), to: &keys)
        let events = (carried == nil ? 0 : previous?.events ?? 0) + chunks.reduce(0) { $0 + $1.events }
        let state = keep ? IndexState(key: stateKey, lastEvent: last, roots: links.roots,
                                      layout: layout, keys: keys, events: events, personas: personas, traits: traits, answers: answers) : nil
        layout.dropOffMap()
        return (index(layout: layout, roots: links.roots, personas: personas, traits: traits, answers: answers, keys: keys, events: events,
                      started: started), state, carried != nil, chunks.reduce(0) { $0 + $1.scanned })
    }

    /// The events as the backend classified them (with the answers of the property filters and
    /// the values at the property paths), when it can; nil to read and classify the events here.
    private func classifiedElsewhere(_ store: any CustomerDataReader, through lastEvent: Int64?, since: Int64) throws -> ClassifiedEvents? {
        guard lastEvent == nil, let classifying = store as? any ClassifyingCustomerData else { return nil }
        return try classifying.classifiedEvents(journey: journey, since: since, properties: PropertyValues(journey: journey, request: request))
    }

    private func index(layout: Layout, roots: [Int64], personas: [UInt8], traits: [String: ValueColumn], answers: FeedbackAnswers.Arrivals,
                       keys: [KeyCount], events: Int, started: DispatchTime) -> JourneyIndex {
        let feedback = FeedbackAnswers(answers, layout: layout)
        let summary = summarize(keys: keys, events: events, layout: layout, customers: roots.count,
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
        return JourneyIndex(
            journey: journey, channelNames: layout.channelNames, personaIDs: workspace.personas.map(\.id), customers: roots,
            offsets: layout.offsets, timestamps: layout.timestamps, touchpoints: layout.touchpoints, channels: layout.channels,
            personas: personas, offMapEvents: layout.offMapEvents, traits: traits, properties: layout.propertyColumns(request.propertyPaths),
            propertyFlags: layout.flags, propertyFilters: request.propertyFilters, feedback: feedback, summary: summary,
            liveness: Liveness(journey, measureFuture: request.measureFuture))
    }

    /// Adds counts of (type, name, channel) keys to `keys`, keeping the order keys were first seen.
    static func add(_ counts: [KeyCount], to keys: inout [KeyCount]) {
        var position: [String: Int] = [:]
        for (index, key) in keys.enumerated() { position[key.id] = index }
        for count in counts {
            if let known = position[count.id] {
                keys[known].events += count.events
                keys[known].unclassified += count.unclassified
            } else {
                position[count.id] = keys.count
                keys.append(count)
            }
        }
    }

    // MARK: Reading events

    /// What one thread read from its share of the rows, in row id order.
    struct Chunk: Sendable {
        var customer: [Int32] = []
        var sequence: [Int64] = []
        var timestamp: [Int64] = []
        var touchpoint: [UInt16] = []
        var channel: [UInt8] = []
        var flags: [UInt8] = []
        /// Per property path, the first (earliest, then first to arrive) value per customer position.
        var firstValues: [[Int32: FirstValue]] = []
        var keys: [KeyCount] = []
        var channelNames: [String] = []
        /// Events read, and of those at or after the map's live day.
        var scanned = 0, events = 0
        /// The customer positions events arrived for, when tracked.
        var touched: [Int32] = []
    }

    /// Events read of one (type, name, channel), and how many of them no rule selected.
    struct KeyCount: Sendable, Equatable {
        var type: String, name: String, channel: String
        var events: Int, unclassified: Int

        var id: String { type + "\u{1F}" + name + "\u{1F}" + channel }
    }

    /// A property value of a customer's event: the one of the earliest event, of equal times the first to arrive, is kept.
    struct FirstValue: Sendable, Equatable {
        var timestamp: Int64, sequence: Int64, text: String

        func precedes(_ other: FirstValue) -> Bool { (timestamp, sequence) < (other.timestamp, other.sequence) }
    }

    /// Reads the events of `ids` (in parts), the customers' traits and the survey answers (those
    /// at or after `since`), on ``threads`` threads that each take the next piece of work when done with one.
    private func read(_ store: any CustomerDataReader, ids: ClosedRange<Int64>?, links: CustomerLinks, since: Int64, traits readsTraits: Bool,
                      answers answerIDs: ClosedRange<Int64>?, tracking: Bool, progress: (@Sendable (Int, Int) -> Void)?) throws
        -> (chunks: [Chunk], customers: ([UInt8], [String: ValueColumn]), answers: FeedbackAnswers.Arrivals) {
        // Several parts a thread, so that a thread done early takes on more.
        let parts = ids == nil ? 0 : max(1, threads) * 8
        let span = ids.map { $0.upperBound - $0.lowerBound + 1 } ?? 0
        let ranges: [ClosedRange<Int64>] = (0..<parts).compactMap { part in
            guard let ids else { return nil }
            let low = ids.lowerBound + span * Int64(part) / Int64(parts)
            let high = ids.lowerBound + span * Int64(part + 1) / Int64(parts) - 1
            return low <= high ? low...high : nil
        }
        let chunks = Mutex<[Int: Result<Chunk, any Error>]>([:])
        let customers = Mutex<Result<([UInt8], [String: ValueColumn]), any Error>?>(nil)
        let answers = Mutex<Result<FeedbackAnswers.Arrivals, any Error>?>(nil)
        let done = Mutex<Int>(0)
        let request = request, journey = journey, total = Int(span), touchpointIDs = journey.touchpoints.map(\.id)
        // Each thread takes the next piece of work until none is left; the traits and the answers
        // come first, each one long piece.
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: max(1, threads)) { _ in
            while true {
                let work = next.add(1, ordering: .relaxed).oldValue
                switch work {
                case 0:
                    let result = Result { readsTraits ? try readTraits(store, links: links) : ([], [:]) }
                    customers.withLock { $0 = result }
                case 1:
                    let result = Result {
                        try answerIDs.map { try FeedbackAnswers.Arrivals(from: store, ids: $0, links: links, touchpointIDs: touchpointIDs, since: since) }
                            ?? FeedbackAnswers.Arrivals()
                    }
                    answers.withLock { $0 = result }
                case 2 ..< ranges.count + 2:
                    let part = work - 2
                    let result = Result { () throws -> Chunk in
                        try Self.scan(store, ids: ranges[part], links: links, journey: journey, request: request, since: since, tracking: tracking) { read in
                            done.withLock { sum in
                                sum += read
                                progress?(sum, total)
                            }
                        }
                    }
                    chunks.withLock { $0[part] = result }
                default:
                    return
                }
            }
        }
        return (try chunks.withLock { chunks in try (0..<ranges.count).map { try chunks[$0]!.get() } },
                try customers.withLock { try $0!.get() }, try answers.withLock { try $0!.get() })
    }

    /// Reads and classifies the events of `ids`; with `tracking`, also notes every customer an
    /// event arrived for (whatever its type or time), whose traits it may have changed.
    private static func scan(_ store: any CustomerDataReader, ids: ClosedRange<Int64>, links: CustomerLinks, journey: JourneyMap, request: IndexRequest,
                             since: Int64, tracking: Bool, reported: (Int) -> Void) throws -> Chunk {
        let propertyPaths = request.propertyPaths.map(FieldPath.init)
        let filterPaths = request.propertyFilters.map { FieldPath($0.path) }
        var classifier = EventClassifier(journey: journey, extraPaths: propertyPaths + filterPaths)
        let filterTests = request.propertyFilters.map { EventMatcher.test(.list(.in, $0.values.map { .string($0) })) }
        var chunk = Chunk()
        chunk.firstValues = Array(repeating: [:], count: propertyPaths.count)
        let estimate = Int(ids.upperBound - ids.lowerBound + 1)
        chunk.customer.reserveCapacity(estimate)
        chunk.sequence.reserveCapacity(estimate)
        chunk.timestamp.reserveCapacity(estimate)
        chunk.touchpoint.reserveCapacity(estimate)
        chunk.channel.reserveCapacity(estimate)
        var key = 0, sinceReport = 0
        let positions = links.rootPosition
        try store.scanEvents(ids: ids) { row in
            chunk.scanned += 1
            sinceReport += 1
            if sinceReport == 65_536 { reported(sinceReport); sinceReport = 0 }
            let number = Int(row.customer)
            let known = number >= 0 && number < positions.count && positions[number] >= 0
            if tracking, known { chunk.touched.append(positions[number]) }
            guard Timestamp.range.contains(row.timestamp) else {
                throw Failure(description: "event \(row.sequence) has the time \(row.timestamp), which no event can have (the store was changed by hand); correct or delete that event")
            }
            // Events before the map's live day do not count at all.
            guard row.timestamp >= since else { return }
            chunk.events += 1
            guard known else { return }
            let touchpoint = classifier.classify(row, key: &key)
            if touchpoint < 0 {
                // Unclassified track, page and screen events are kept to count off-map steps.
                guard Self.isInteraction(row.type) else { return }
            }
            let customer = positions[number]
            chunk.customer.append(customer)
            chunk.sequence.append(row.sequence)
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
                // Rows arrive in sequence order: a value of the same time as the known one came later.
                if let known = chunk.firstValues[index][customer], known.timestamp <= row.timestamp { continue }
                guard let text = classifier.value(path, row: row, key: key)?.text else { continue }
                chunk.firstValues[index][customer] = FirstValue(timestamp: row.timestamp, sequence: row.sequence, text: text)
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

    private func readTraits(_ store: any CustomerDataReader, links: CustomerLinks) throws -> ([UInt8], [String: ValueColumn]) {
        var reader = TraitReader(personas: workspace.personas, traitPaths: request.traitPaths, customers: links.roots.count)
        guard reader.reads else { return reader.result() }
        var position = 0
        try store.scanTraits { id, traits in
            while position < links.roots.count, links.roots[position] < id { position += 1 }
            guard position < links.roots.count, links.roots[position] == id else { return }
            reader.read(traits, at: position)
        }
        return reader.result()
    }

    /// The personas and trait values of a state carried to the customers of `links`, read again
    /// for the customers events arrived for since (`touched`), those two saved customers merged
    /// into and those the state did not have.
    private func readTraits(_ store: any CustomerDataReader, links: CustomerLinks, carrying previous: IndexState, moved: [Int32],
                            touched: [[Int32]]) throws -> ([UInt8], [String: ValueColumn]) {
        var reader = TraitReader(personas: workspace.personas, traitPaths: request.traitPaths, customers: links.roots.count)
        guard reader.reads else { return reader.result() }
        var source = [Int32](repeating: -1, count: links.roots.count)
        var reread = [Bool](repeating: true, count: links.roots.count)
        for (old, new) in moved.enumerated() {
            reread[Int(new)] = source[Int(new)] >= 0
            source[Int(new)] = Int32(old)
        }
        for positions in touched { for position in positions { reread[Int(position)] = true } }
        let columns = request.traitPaths.map { previous.traits[$0] }
        for position in 0..<links.roots.count where !reread[position] {
            let old = Int(source[position])
            reader.assigned[position] = previous.personas[old]
            for (column, carried) in columns.enumerated() {
                guard let carried, carried.codes[old] != 0 else { continue }
                reader.set(column, position, carried.values[Int(carried.codes[old])])
            }
        }
        let numbers = (0..<links.roots.count).filter { reread[$0] }.map { links.roots[$0] }
        try store.scanTraits(of: numbers) { id, traits in
            guard id >= 0, id < Int64(links.rootPosition.count), links.rootPosition[Int(id)] >= 0 else { return }
            reader.read(traits, at: Int(links.rootPosition[Int(id)]))
        }
        return reader.result()
    }

    /// Assigns personas and keeps the requested trait values of customers from their traits JSON.
    private struct TraitReader {
        var rules: [[(slot: Int, test: ValueBytesTest)]]
        let hasRule: [Bool]
        let traitSlots: [Int]
        let traitPaths: [String]
        let json: JSONFieldReader
        var spans = JSONFieldReader.Spans()
        var assigned: [UInt8]
        var columns: [ValueColumn]
        var codes: [[String: UInt32]]

        init(personas: [Persona], traitPaths: [String], customers: Int) {
            var paths: [[String]] = []
            func slot(_ path: String) -> Int {
                let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if let index = paths.firstIndex(of: keys) { return index }
                paths.append(keys)
                return paths.count - 1
            }
            rules = personas.map { persona in
                guard let match = persona.match else { return [] }
                return match.traits.map { (slot($0.path), ValueBytesTest($0.condition)) }
            }
            hasRule = personas.map { $0.match != nil }
            traitSlots = traitPaths.map(slot)
            self.traitPaths = traitPaths
            json = JSONFieldReader(paths: paths)
            assigned = [UInt8](repeating: JourneyIndex.noPersona, count: customers)
            columns = traitPaths.map { _ in ValueColumn(codes: [UInt32](repeating: 0, count: customers)) }
            codes = traitPaths.map { _ in [:] }
            reads = !paths.isEmpty
        }

        /// Whether anything is read from traits at all: a trait path a rule or the request names.
        let reads: Bool

        /// Sets the value of a trait column for a customer.
        mutating func set(_ column: Int, _ position: Int, _ text: String) {
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

        /// The persona and trait values of the customer at `position`, from its traits alone.
        mutating func read(_ traits: UnsafeBufferPointer<UInt8>, at position: Int) {
            json.read(traits, into: &spans)
            assigned[position] = JourneyIndex.noPersona
            persona: for index in rules.indices where hasRule[index] {
                for condition in rules[index].indices {
                    let value = spans.value(rules[index][condition].slot, in: traits)
                    let passes = value.flatMap { rules[index][condition].test.passes($0) } ?? rules[index][condition].test.whenAbsent
                    if !passes { continue persona }
                }
                assigned[position] = UInt8(truncatingIfNeeded: index)
                break
            }
            for (column, traitSlot) in traitSlots.enumerated() {
                columns[column].codes[position] = 0
                guard let value = spans.value(traitSlot, in: traits), let text = (try? JSONParser.parse(value))?.text else { continue }
                set(column, position, text)
            }
        }

        /// The personas and the columns, each column's values numbered in the order customers
        /// first have them (as reading every customer in order numbers them).
        func result() -> ([UInt8], [String: ValueColumn]) {
            let ordered = columns.map { column in
                var renumbered = [UInt32](repeating: UInt32.max, count: column.values.count)
                renumbered[0] = 0
                var result = ValueColumn(codes: column.codes)
                for position in result.codes.indices {
                    let code = Int(result.codes[position])
                    if renumbered[code] == UInt32.max {
                        renumbered[code] = UInt32(result.values.count)
                        result.values.append(column.values[code])
                    }
                    result.codes[position] = renumbered[code]
                }
                return result
            }
            return (assigned, Dictionary(zip(traitPaths, ordered), uniquingKeysWith: { first, _ in first }))
        }
    }

    private func summarize(keys counts: [KeyCount], events: Int, layout: Layout, customers: Int, seconds: Double) -> IndexSummary {
        var keys: [String: IndexSummary.Unclassified] = [:]
        var unclassified = 0, interactions = 0
        var notJourney: [String: Int] = [:]
        for key in counts {
            unclassified += key.unclassified
            guard key.unclassified > 0 else { continue }
            // Identify, alias, group and survey answers are no steps a touchpoint could describe.
            guard Self.interactionTypes.contains(key.type) else {
                notJourney[key.type, default: 0] += key.unclassified
                continue
            }
            interactions += key.unclassified
            keys[key.id, default: IndexSummary.Unclassified(type: key.type, name: key.name, channel: key.channel, events: 0)].events += key.unclassified
        }
        var perTouchpoint = [Int](repeating: 0, count: journey.touchpoints.count)
        for touchpoint in layout.touchpoints { perTouchpoint[Int(touchpoint)] += 1 }
        let top = keys.values.sorted { ($1.events, $0.type, $0.name, $0.channel) < ($0.events, $1.type, $1.name, $1.channel) }
        var withEvents = 0
        for customer in 0..<customers where layout.offsets[customer + 1] > layout.offsets[customer] { withEvents += 1 }
        return IndexSummary(
            events: events, classified: events - unclassified, unclassified: unclassified, unclassifiedInteractions: interactions,
            notJourneyEvents: notJourney, customers: customers, customersWithEvents: withEvents,
            touchpointEvents: Dictionary(zip(journey.touchpoints.map(\.id), perTouchpoint), uniquingKeysWith: +),
            topUnclassified: Array(top.prefix(Self.unclassifiedListed)), seconds: seconds)
    }
}
