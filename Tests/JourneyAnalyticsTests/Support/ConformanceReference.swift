/// Conformance recomputed the plain way from stage sequences, to check the analysis against.
struct ConformanceReference {
    var customers = 0
    var conforming = 0
    var fitness: [Double] = []
    /// Customers skipping each stage.
    var skipped: [Int: Int] = [:]
    /// Backward moves per (from, to) stage pair: customers and moves.
    var backwardCustomers: [[Int]: Int] = [:]
    var backwardMoves: [[Int]: Int] = [:]
    /// Customers whose trace has each stage, and whose furthest stage is each stage.
    var visited: [Int: Int] = [:]
    var furthest: [Int: Int] = [:]

    /// Adds a customer's stages in order (nothing for an empty trace).
    mutating func add(_ stages: [Int]) {
        guard let top = stages.max() else { return }
        customers += 1
        furthest[top, default: 0] += 1
        for stage in Set(stages) { visited[stage, default: 0] += 1 }
        let missing = (0..<top).filter { !stages.contains($0) }
        for stage in missing { skipped[stage, default: 0] += 1 }
        var backward = 0
        var pairs = Set<[Int]>()
        for (previous, next) in zip(stages, stages.dropFirst()) where next < previous {
            backward += 1
            backwardMoves[[previous, next], default: 0] += 1
            pairs.insert([previous, next])
        }
        for pair in pairs { backwardCustomers[pair, default: 0] += 1 }
        if missing.isEmpty && backward == 0 { conforming += 1 }
        fitness.append(1 - Double(missing.count + backward) / Double(stages.count - 1 + top + 1))
    }

    /// Customers per histogram bin of width 0.1 (1 in the last bin).
    var histogram: [Int] {
        var bins = [Int](repeating: 0, count: 10)
        for value in fitness { bins[min(9, Int((value * 10).rounded(.down)))] += 1 }
        return bins
    }
}
