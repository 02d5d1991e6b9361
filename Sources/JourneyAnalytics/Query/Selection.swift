import CustomerData
import JourneyModel

/// A query's filters, time range and breakdown resolved against an index: which customers count,
/// which of their events count, and which group each customer falls in.
struct Selection: Sendable {
    let index: JourneyIndex
    /// Customers that count (nil: all).
    let customers: [Bool]?
    /// Events from this time on (ms).
    let from: Int64?
    /// Events before this time (ms).
    let to: Int64?
    /// Channels whose events count (nil: all).
    let channels: [Bool]?
    /// Property filter bits an event must have.
    let flags: UInt8
    /// Group of each customer (nil: one group).
    let groups: [Int32]?
    /// Group labels.
    let groupLabels: [String]

    /// Whether events are filtered beyond the time range.
    var filtersEvents: Bool { channels != nil || flags != 0 }
    /// Whether a date range cuts customers' events.
    var restrictsTime: Bool { from != nil || to != nil }

    /// The selection of `query` (with its breakdown when `breakdown` is true).
    init(index: JourneyIndex, query: AnalysisQuery, breakdown: Bool = false) throws(AnalysisError) {
        try self.init(index: index, range: query.range, filters: query.filters, breakdown: breakdown ? query.breakdown : nil,
                      measureFuture: query.options.measureFuture)
    }

    /// The selection of a range, filters and breakdown; events before the map's live day do not
    /// count, and a map that is not live cannot be measured (``Liveness``).
    init(index: JourneyIndex, range: DateRange?, filters: Filters, breakdown: Breakdown? = nil, measureFuture: Bool) throws(AnalysisError) {
        self.index = index
        let liveness = Liveness(index.journey, measureFuture: measureFuture)
        guard liveness.isMeasured else { throw AnalysisError(Liveness.notLiveMessage(index.journey)) }
        if let built = index.liveness.from, liveness.from.map({ $0 < built }) ?? true {
            throw AnalysisError("journey: the index of '\(index.journey.id)' holds events from \(Timestamp.iso8601(built)) on only; build it from the same query (with \"measure_future\" as the query has it)")
        }
        var from = try Self.time(range?.from, field: "range.from")
        to = try Self.time(range?.to, field: "range.to")
        if let from, let to, from >= to { throw AnalysisError("range: 'from' must be before 'to'") }
        // An index built for the same live day holds no earlier events, so it needs no cut.
        if let live = liveness.from, live > (index.liveness.from ?? .min), live > (from ?? .min) { from = live }
        self.from = from
        var customers: [Bool]?
        if !filters.personas.isEmpty {
            var wanted = Set<UInt8>()
            for persona in filters.personas {
                if persona == "none" {
                    wanted.insert(JourneyIndex.noPersona)
                } else if let position = index.personaIDs.firstIndex(of: persona) {
                    wanted.insert(UInt8(truncatingIfNeeded: position))
                } else {
                    throw AnalysisError("filters.personas: no persona '\(persona)' in the workspace (known: \((index.personaIDs + ["none"]).joined(separator: ", ")))")
                }
            }
            customers = index.personas.map(wanted.contains)
        }
        for filter in filters.traits {
            guard let column = index.traits[filter.path] else { throw AnalysisError("filters.traits: '\(filter.path)' was not read into the index") }
            let tests = filter.values.map { EventMatcher.test(.equals(.string($0))) }
            let accepted = column.values.map { value in tests.contains { $0(.string(value)) } }
            accepted.withUnsafeBufferPointer { accepted in
                var pass = customers ?? [Bool](repeating: true, count: index.customerCount)
                for customer in pass.indices where pass[customer] {
                    let code = Int(column.codes[customer])
                    pass[customer] = code != 0 && accepted[code]
                }
                customers = pass
            }
        }
        self.customers = customers
        if filters.channels.isEmpty {
            channels = nil
        } else {
            let wanted = Set(filters.channels)
            var mask = [Bool](repeating: false, count: 256)
            for (number, name) in index.channelNames.enumerated() where wanted.contains(name) { mask[number] = true }
            channels = mask
        }
        var flags: UInt8 = 0
        for filter in filters.properties {
            guard let bit = index.propertyFilters.firstIndex(of: filter) else {
                throw AnalysisError("filters.properties: '\(filter.path)' was not evaluated when the index was built")
            }
            flags |= 1 << UInt8(bit)
        }
        self.flags = flags
        (groups, groupLabels) = try Self.groups(index, breakdown)
    }

    private static func time(_ text: String?, field: String) throws(AnalysisError) -> Int64? {
        guard let text else { return nil }
        let full = text.count == 10 ? text + "T00:00:00Z" : text
        do { return try Timestamp.parse(full) } catch {
            throw AnalysisError("\(field): '\(text)' is not a date or time; write 2026-03-01 or 2026-03-01T09:30:00Z")
        }
    }

    private static func groups(_ index: JourneyIndex, _ breakdown: Breakdown?) throws(AnalysisError) -> ([Int32]?, [String]) {
        guard let breakdown else { return (nil, []) }
        switch breakdown.kind {
        case .persona:
            let labels = index.personaIDs + ["none"]
            let none = Int32(index.personaIDs.count)
            return (index.personas.map { $0 == JourneyIndex.noPersona ? none : Int32($0) }, labels)
        case .firstChannel:
            let none = Int32(index.channelNames.count)
            let groups = (0..<index.customerCount).map { customer -> Int32 in
                let events = index.events(of: customer)
                return events.isEmpty ? none : Int32(index.channels[events.lowerBound])
            }
            return (groups, index.channelNames.map { $0.isEmpty ? "(no channel)" : $0 } + ["(no events)"])
        case .trait, .property:
            let columns = breakdown.kind == .trait ? index.traits : index.properties
            guard let path = breakdown.path, let column = columns[path] else {
                throw AnalysisError("breakdown: \(breakdown.kind.rawValue) '\(breakdown.path ?? "")' was not read into the index")
            }
            return (column.codes.map { Int32($0) }, ["(none)"] + column.values.dropFirst())
        }
    }

    /// Whether customer `c` counts.
    @inline(__always)
    func includes(customer: Int) -> Bool { customers?[customer] ?? true }

    /// The events of customer `c` inside the time range.
    @inline(__always)
    func events(of customer: Int) -> Range<Int> {
        let all = index.events(of: customer)
        guard restrictsTime else { return all }
        var low = all.lowerBound, high = all.upperBound
        if let from { low = Self.firstIndex(in: index.timestamps, all, notBefore: from) }
        if let to { high = Self.firstIndex(in: index.timestamps, low ..< all.upperBound, notBefore: to) }
        return low ..< high
    }

    /// Whether event `e` passes the channel and property filters.
    @inline(__always)
    func includes(event: Int) -> Bool {
        if let channels, !channels[Int(index.channels[event])] { return false }
        if flags != 0, index.propertyFlags[event] & flags != flags { return false }
        return true
    }

    /// The group of customer `c` (0 without a breakdown).
    @inline(__always)
    func group(of customer: Int) -> Int { groups.map { Int($0[customer]) } ?? 0 }

    /// Number of groups (1 without a breakdown).
    var groupCount: Int { groups == nil ? 1 : groupLabels.count }

    private static func firstIndex(in times: [Int64], _ range: Range<Int>, notBefore time: Int64) -> Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if times[middle] < time { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
