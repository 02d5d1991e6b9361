/// Evaluates one customer's events against the funnel steps; one counter per thread, its buffers reused.
struct FunnelCounter {
    let steps: Int
    /// For each level i, the times of the chain completing steps 0…i with the latest start (row i of a steps × steps table).
    private var times: [Int64]
    private var has: [Bool]
    /// The times of the chain that reached the furthest step, after a call.
    private(set) var chain: [Int64]
    private var counts: [Int]

    init(steps: Int) {
        self.steps = steps
        times = [Int64](repeating: 0, count: steps * steps)
        has = [Bool](repeating: false, count: steps)
        chain = [Int64](repeating: 0, count: steps)
        counts = [Int](repeating: 0, count: steps)
    }

    @inline(__always)
    private func forEachStep(_ touchpoint: Int, _ plan: FunnelAnalysis.Plan, _ body: (Int) -> Void) {
        let single = plan.single[touchpoint]
        if single >= 0 { body(Int(single)) } else if single == -2 { for step in plan.stepsOf[touchpoint] { body(step) } }
    }

    /// Steps in order; returns how many steps the customer reached.
    mutating func ordered(_ events: Range<Int>, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        for level in 0..<steps { has[level] = false }
        var reached = 0
        let index = selection.index, filtered = selection.filtersEvents
        for event in events {
            if filtered, !selection.includes(event: event) { continue }
            let time = index.timestamps[event]
            forEachStep(Int(index.touchpoints[event]), plan) { step in
                if step == 0 {
                    // A later start is never worse for what follows.
                    has[0] = true
                    times[0] = time
                } else if has[step - 1], time - times[(step - 1) * steps] <= window,
                          !has[step] || times[step * steps] < times[(step - 1) * steps] {
                    has[step] = true
                    let from = (step - 1) * steps, to = step * steps
                    for position in 0..<step { times[to + position] = times[from + position] }
                    times[to + step] = time
                }
                if has[step], step + 1 > reached {
                    reached = step + 1
                    for position in 0...step { chain[position] = times[step * steps + position] }
                }
            }
            if reached == steps { break }
        }
        return reached
    }

    /// Steps in order with no other classified event between them.
    mutating func strict(_ events: Range<Int>, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        var level = 0, reached = 0
        var start: Int64 = 0
        let index = selection.index, filtered = selection.filtersEvents
        for event in events {
            if filtered, !selection.includes(event: event) { continue }
            let time = index.timestamps[event]
            var next = 0, nextStart: Int64 = 0
            forEachStep(Int(index.touchpoints[event]), plan) { step in
                if step == level, level > 0, time - start <= window, level + 1 > next {
                    next = level + 1
                    nextStart = start
                } else if step == 0, next < 1 {
                    next = 1
                    nextStart = time
                }
            }
            if next == 1 { times[0] = time }
            if next > 1 { times[next - 1] = time }
            level = next
            start = nextStart
            if level > reached {
                reached = level
                for position in 0..<level { chain[position] = times[position] }
            }
            if reached == steps { break }
        }
        return reached
    }

    /// All of the first k steps within the window, in any order.
    mutating func anyOrder(_ events: Range<Int>, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        for step in 0..<steps { counts[step] = 0 }
        let index = selection.index, filtered = selection.filtersEvents
        var reached = 0
        var left = events.lowerBound
        for right in events {
            if filtered, !selection.includes(event: right) { continue }
            let time = index.timestamps[right]
            forEachStep(Int(index.touchpoints[right]), plan) { counts[$0] += 1 }
            while time - index.timestamps[left] > window {
                if !filtered || selection.includes(event: left) {
                    forEachStep(Int(index.touchpoints[left]), plan) { counts[$0] -= 1 }
                }
                left += 1
            }
            var covered = 0
            while covered < steps, counts[covered] > 0 { covered += 1 }
            if covered > reached {
                reached = covered
                if reached == steps { break }
            }
        }
        return reached
    }
}
