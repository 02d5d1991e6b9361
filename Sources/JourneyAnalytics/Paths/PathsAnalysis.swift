import Foundation
import JourneyModel

/// Paths: the variants (whole traces), the directly-follows graph and Sankey columns.
///
/// A trace is a customer's sequence of classified touchpoints (after cleaning rules, and with
/// consecutive repeats collapsed when asked); with a gap option a customer's events split into
/// several journeys after that many days of silence. Each consecutive pair in a trace is one
/// occurrence of a DFG edge; a variant's count is the traces that follow it exactly.
public enum PathsAnalysis {
    /// Runs the paths analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> PathsResult {
        try query.validate()
        let selection = try Selection(index: index, query: query)
        return try run(query.options, selection: selection)
    }

    static func run(_ options: Options, selection: Selection) throws(AnalysisError) -> PathsResult {
        let index = selection.index
        let nodes = try Nodes(index.journey, aliases: options.aliases)
        let sankeyStart = try options.sankeyFrom.map { id throws(AnalysisError) in try nodes.node(id, field: "sankey_from") }
        let sankeyEnd = try options.sankeyTo.map { id throws(AnalysisError) in try nodes.node(id, field: "sankey_to") }
        let gap = options.gapDays.map(Options.milliseconds(days:))
        let count = nodes.names.count
        let partials = Parallel.map(index.customerCount) { customers -> TraceTally in
            var tally = TraceTally(nodes: count, sankeyStart: sankeyStart, sankeyEnd: sankeyEnd, steps: options.sankeySteps)
            var trace: [UInt16] = [], times: [Int64] = []
            trace.reserveCapacity(64)
            times.reserveCapacity(64)
            for customer in customers where selection.includes(customer: customer) {
                trace.removeAll(keepingCapacity: true)
                times.removeAll(keepingCapacity: true)
                var last: Int64 = .min
                for event in selection.events(of: customer) {
                    if selection.filtersEvents, !selection.includes(event: event) { continue }
                    let time = index.timestamps[event]
                    if let gap, !trace.isEmpty, time - last > gap {
                        tally.add(trace, times)
                        trace.removeAll(keepingCapacity: true)
                        times.removeAll(keepingCapacity: true)
                    }
                    last = time
                    let node = nodes.nodeOf[Int(index.touchpoints[event])]
                    if options.collapseRepeats, trace.last == node { continue }
                    trace.append(node)
                    times.append(time)
                }
                if !trace.isEmpty { tally.add(trace, times) }
            }
            return tally
        }
        return PathsResult(nodes: nodes.names, partials: partials, options: options)
    }

    /// Touchpoints after cleaning rules: each touchpoint's node, and the node names.
    struct Nodes: Sendable {
        var names: [String] = []
        var nodeOf: [UInt16] = []
        var touchpointIDs: [String] = []

        init(_ journey: JourneyMap, aliases: [Options.Alias]) throws(AnalysisError) {
            var rules: [(NSRegularExpression, String)] = []
            for (position, alias) in aliases.enumerated() {
                guard let regex = try? NSRegularExpression(pattern: alias.pattern) else {
                    throw AnalysisError("aliases[\(position)].pattern: '\(alias.pattern)' is not a regular expression")
                }
                rules.append((regex, alias.as))
            }
            var numbers: [String: UInt16] = [:]
            touchpointIDs = journey.touchpoints.map(\.id)
            for touchpoint in journey.touchpoints {
                let id = touchpoint.id
                let range = NSRange(id.startIndex..., in: id)
                let name = rules.first { $0.0.firstMatch(in: id, range: range) != nil }?.1 ?? id
                if let known = numbers[name] {
                    nodeOf.append(known)
                } else {
                    numbers[name] = UInt16(names.count)
                    nodeOf.append(UInt16(names.count))
                    names.append(name)
                }
            }
        }

        func node(_ id: String, field: String) throws(AnalysisError) -> UInt16 {
            if let position = names.firstIndex(of: id) { return UInt16(position) }
            if let touchpoint = touchpointIDs.firstIndex(of: id) { return nodeOf[touchpoint] }
            throw AnalysisError("\(field): '\(id)' is not a touchpoint (or cleaned name) of the map")
        }
    }
}
