/// Counts of one thread's traces: variants, directly-follows edges with their durations, starts,
/// ends and Sankey columns.
struct TraceTally: Sendable {
    let nodes: Int
    /// Variant counts by trace hash; a different trace with the same hash goes to ``collided``.
    var variants: [UInt64: (trace: [UInt16], count: Int)] = [:]
    var collided: [[UInt16]: Int] = [:]
    var traces = 0
    var edges: [Int]
    var durations: [[Int64]]
    var starts: [Int]
    var ends: [Int]
    let sankeyStart: UInt16?
    let sankeyEnd: UInt16?
    let steps: Int
    /// Sankey paths: the node sequence of each followed trace (``end`` marks a trace that ended).
    var sankeyPaths: [[UInt16]: Int] = [:]

    static let end = UInt16.max

    init(nodes: Int, sankeyStart: UInt16?, sankeyEnd: UInt16?, steps: Int) {
        self.nodes = nodes
        edges = [Int](repeating: 0, count: nodes * nodes)
        durations = [[Int64]](repeating: [], count: nodes * nodes)
        starts = [Int](repeating: 0, count: nodes)
        ends = [Int](repeating: 0, count: nodes)
        self.sankeyStart = sankeyStart
        self.sankeyEnd = sankeyEnd
        self.steps = steps
    }

    mutating func add(_ trace: [UInt16], _ times: [Int64]) {
        traces += 1
        starts[Int(trace[0])] += 1
        ends[Int(trace[trace.count - 1])] += 1
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for node in trace { hash = (hash ^ UInt64(node)) &* 0x100_0000_01b3 }
        hash = (hash ^ UInt64(trace.count)) &* 0x100_0000_01b3
        if let known = variants[hash] {
            if known.trace == trace { variants[hash]!.count += 1 } else { collided[trace, default: 0] += 1 }
        } else {
            variants[hash] = (trace, 1)
        }
        for position in 1 ..< trace.count {
            let edge = Int(trace[position - 1]) * nodes + Int(trace[position])
            edges[edge] += 1
            durations[edge].append(times[position] - times[position - 1])
        }
        if let sankeyStart, let first = trace.firstIndex(of: sankeyStart) {
            var path = [sankeyStart]
            for offset in 1 ... steps {
                let position = first + offset
                if position >= trace.count { path.append(Self.end); break }
                path.append(trace[position])
            }
            sankeyPaths[path, default: 0] += 1
        } else if let sankeyEnd, let last = trace.firstIndex(of: sankeyEnd) {
            var path = [sankeyEnd]
            for offset in 1 ... steps {
                let position = last - offset
                if position < 0 { path.append(Self.end); break }
                path.append(trace[position])
            }
            sankeyPaths[Array(path.reversed()), default: 0] += 1
        }
    }

    /// Every variant with its count.
    var allVariants: [([UInt16], Int)] {
        variants.values.map { ($0.trace, $0.count) } + collided.map { ($0.key, $0.value) }
    }
}
