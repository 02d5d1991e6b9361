/// The index columns a funnel reads, as raw buffers for the duration of one pass.
struct FunnelColumns {
    let timestamps: UnsafeBufferPointer<Int64>
    let touchpoints: UnsafeBufferPointer<UInt16>
    /// Per touchpoint, its only step, -1 for none, -2 for several (``FunnelAnalysis/Plan/single``).
    let single: UnsafeBufferPointer<Int16>
}

/// Evaluates one customer's events against the funnel steps; one counter per thread, its buffers
/// allocated once and reused for every customer.
struct FunnelCounter: ~Copyable {
    let steps: Int
    /// For each level i, the times of the chain completing steps 0…i with the latest start (row i of a steps × steps table).
    private let times: UnsafeMutableBufferPointer<Int64>
    private let has: UnsafeMutableBufferPointer<Bool>
    /// The times of the chain that reached the furthest step, after a call.
    let chain: UnsafeMutableBufferPointer<Int64>
    private let counts: UnsafeMutableBufferPointer<Int>
    private let end: UnsafeMutableBufferPointer<Int>

    /// The event that completed the funnel, after a call that returned every step.
    var completedAt: Int { end[0] }

    init(steps: Int) {
        self.steps = steps
        times = .allocate(capacity: steps * steps)
        times.initialize(repeating: 0)
        has = .allocate(capacity: steps)
        has.initialize(repeating: false)
        chain = .allocate(capacity: steps)
        chain.initialize(repeating: 0)
        counts = .allocate(capacity: steps)
        counts.initialize(repeating: 0)
        end = .allocate(capacity: 1)
        end.initialize(repeating: 0)
    }

    deinit {
        times.deallocate()
        has.deallocate()
        chain.deallocate()
        counts.deallocate()
        end.deallocate()
    }

    /// How many steps the customer reached in `mode` (steps with windows of their own take the exact ordered pass).
    func reach(_ events: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: FunnelAnalysis.Plan, mode: Options.FunnelMode, window: Int64) -> Int {
        switch mode {
        case .ordered:
            plan.hasStepWindows ? orderedWithStepWindows(events, columns, selection: selection, plan: plan, window: window)
                : ordered(events, columns, selection: selection, plan: plan, window: window)
        case .strict: strict(events, columns, selection: selection, plan: plan, window: window)
        case .anyOrder: anyOrder(events, columns, selection: selection, plan: plan, window: window)
        }
    }

    /// Steps in order, each within its own window of the step before it as well as the chain
    /// within `window`. Each level keeps the chains no other beats on both a later or equal start
    /// and a later last event; an event extends the chain of the level below with the latest
    /// start among those both windows still allow, and the chain it makes beats every one of its
    /// level starting no later. Starts only grow, so a level holds at most one chain and the pass
    /// stays linear. The reported chain is the first to reach the furthest step (with the latest
    /// event of each step, which the windows favour, not the earliest as in ``ordered``).
    func orderedWithStepWindows(_ events: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        var levels = [[[Int64]]](repeating: [], count: steps)
        var reached = 0
        let filtered = selection.filtersEvents
        for event in events {
            if filtered, !selection.includes(event: event) { continue }
            let time = columns.timestamps[event]
            forEachStep(Int(columns.touchpoints[event]), columns, plan) { step in
                var made: [Int64]
                if step == 0 {
                    made = [time]
                } else {
                    let limit = plan.stepWindows[step]
                    var best: [Int64]?
                    for chain in levels[step - 1] where time - chain[0] <= window && (limit.map { time - chain[step - 1] <= $0 } ?? true) {
                        if best == nil || chain[0] > best![0] { best = chain }
                    }
                    guard let found = best else { return }
                    made = found
                    made.append(time)
                }
                levels[step].removeAll { $0[0] <= made[0] }
                levels[step].append(made)
                if step + 1 > reached {
                    reached = step + 1
                    for position in 0...step { chain[position] = made[position] }
                }
            }
            if reached == steps { end[0] = event; break }
            // Chains that started longer ago than the window can extend no more.
            for level in 0..<steps where !levels[level].isEmpty { levels[level].removeAll { time - $0[0] > window } }
        }
        return reached
    }

    @inline(__always)
    private func forEachStep(_ touchpoint: Int, _ columns: FunnelColumns, _ plan: FunnelAnalysis.Plan, _ body: (Int) -> Void) {
        let single = columns.single[touchpoint]
        if single >= 0 { body(Int(single)) } else if single == -2 { for step in plan.stepsOf[touchpoint] { body(step) } }
    }

    /// Steps in order; returns how many steps the customer reached.
    func ordered(_ events: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        for level in 0..<steps { has[level] = false }
        var reached = 0
        let filtered = selection.filtersEvents
        for event in events {
            if filtered, !selection.includes(event: event) { continue }
            let time = columns.timestamps[event]
            forEachStep(Int(columns.touchpoints[event]), columns, plan) { step in
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
            if reached == steps { end[0] = event; break }
        }
        return reached
    }

    /// Steps in order with no other classified event between them.
    func strict(_ events: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        var level = 0, reached = 0
        var start: Int64 = 0
        let filtered = selection.filtersEvents
        for event in events {
            if filtered, !selection.includes(event: event) { continue }
            let time = columns.timestamps[event]
            var next = 0, nextStart: Int64 = 0
            forEachStep(Int(columns.touchpoints[event]), columns, plan) { step in
                if step == level, level > 0, time - start <= window, level + 1 > next,
                   !plan.hasStepWindows || plan.stepWindows[level].map({ time - times[level - 1] <= $0 }) ?? true {
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
            if reached == steps { end[0] = event; break }
        }
        return reached
    }

    /// All of the first k steps within the window, in any order.
    func anyOrder(_ events: Range<Int>, _ columns: FunnelColumns, selection: Selection, plan: FunnelAnalysis.Plan, window: Int64) -> Int {
        for step in 0..<steps { counts[step] = 0 }
        let filtered = selection.filtersEvents
        var reached = 0
        var left = events.lowerBound
        for right in events {
            if filtered, !selection.includes(event: right) { continue }
            let time = columns.timestamps[right]
            forEachStep(Int(columns.touchpoints[right]), columns, plan) { counts[$0] += 1 }
            while time - columns.timestamps[left] > window {
                if !filtered || selection.includes(event: left) {
                    forEachStep(Int(columns.touchpoints[left]), columns, plan) { counts[$0] -= 1 }
                }
                left += 1
            }
            var covered = 0
            while covered < steps, counts[covered] > 0 { covered += 1 }
            if covered > reached {
                reached = covered
                if reached == steps { end[0] = right; break }
            }
        }
        return reached
    }
}
