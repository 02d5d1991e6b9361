/// The furthest step of every customer in an ordered funnel, counted without the step times, in
/// one pass with almost no branches: what ClickHouse's `windowFunnel` computes.
///
/// A customer's progress is a one-hot mask over levels 0…steps (bit k set: steps 0…k − 1 done).
/// An event of step k moves bit k to bit k + 1, `mask += mask & (1 << k)`, so the mask after all
/// events is the greedy match of the steps as a subsequence, which is the furthest step reached
/// when no window applies. The window cannot cut a chain short when the customer's events span no
/// more than the window, or when the customer reached at most step 1 (a chain of one event spans
/// nothing); every other customer is evaluated by ``FunnelCounter/ordered``.
///
/// The first eight events of a customer are read without a loop: the masks after each are kept
/// and the one after the customer's last event is taken, so the events of the next customer read
/// past the end change nothing and no branch depends on how many events a customer has. Two
/// customers, one from each half of the range, are evaluated side by side so that their chains
/// of dependent additions overlap. A stage funnel reads the one-byte stage column.
struct OrderedReach: ~Copyable {
    /// Events read without a loop per customer.
    private static let unrolled = 8
    /// Histograms kept, taken in turn by consecutive customers so their counts do not wait on each other.
    private static let lanes = 4

    private let plan: FunnelAnalysis.Plan
    private var steps: Int { plan.names.count }
    private let window: Int64
    private let groups: Int
    /// `lanes` × groups × (steps + 1) counts of furthest levels.
    private let counts: UnsafeMutableBufferPointer<Int>
    /// The masks after each unrolled event, for two customers.
    private let masks: UnsafeMutablePointer<UInt64>

    /// Whether `plan` can be counted this way: each touchpoint in at most one step, fewer than 64 steps.
    static func applies(to plan: FunnelAnalysis.Plan) -> Bool {
        plan.names.count < UInt64.bitWidth && !plan.single.contains(-2)
    }

    init(plan: FunnelAnalysis.Plan, window: Int64, groups: Int) {
        self.plan = plan
        self.window = window
        self.groups = groups
        counts = .allocate(capacity: Self.lanes * groups * (plan.names.count + 1))
        counts.initialize(repeating: 0)
        masks = .allocate(capacity: 2 * (Self.unrolled + 1))
        masks.initialize(repeating: 0, count: 2 * (Self.unrolled + 1))
    }

    deinit {
        counts.deallocate()
        masks.deallocate()
    }

    /// Counts `customers` of `index` into `partial`; `exact` evaluates a customer's events when the window matters.
    consuming func count(_ customers: Range<Int>, of index: JourneyIndex, selection: Selection,
                         into partial: inout FunnelAnalysis.Partial, exact: (Range<Int>) -> Int) {
        // A stage funnel's steps are stages, so the stage column tells them; otherwise the touchpoint column does.
        var stageBits = [UInt64](repeating: 0, count: index.stageIDs.count)
        var byStage = plan.kind == .stage
        for (touchpoint, step) in plan.single.enumerated() where step >= 0 {
            let stage = Int(index.touchpointStage[touchpoint]), bit: UInt64 = 1 << UInt64(step)
            if stageBits[stage] != 0, stageBits[stage] != bit { byStage = false }
            stageBits[stage] = bit
        }
        if byStage {
            index.stages.withUnsafeBufferPointer { stages in
                stageBits.withUnsafeBufferPointer { bits in count(customers, stages, bits, index, selection, exact) }
            }
        } else {
            index.touchpoints.withUnsafeBufferPointer { touchpoints in
                plan.single.map { $0 < 0 ? 0 : 1 << UInt64($0) }.withUnsafeBufferPointer { bits in
                    count(customers, touchpoints, bits, index, selection, exact)
                }
            }
        }
        let levels = steps + 1
        for lane in 0 ..< Self.lanes {
            for group in 0 ..< groups {
                for level in 0 ... steps {
                    let count = counts[(lane * groups + group) * levels + level]
                    partial.considered += count
                    if level > 0 { partial.reached[group * steps + level - 1] += count }
                }
            }
        }
    }

    private func count<Code: FixedWidthInteger>(_ customers: Range<Int>, _ codes: UnsafeBufferPointer<Code>, _ bits: UnsafeBufferPointer<UInt64>,
                                                _ index: JourneyIndex, _ selection: Selection, _ exact: (Range<Int>) -> Int) {
        let levels = steps + 1, groups = groups, counts = counts, window = window
        let masks = masks, other = masks + (Self.unrolled + 1)
        index.offsets.withUnsafeBufferPointer { offsets in
            index.timestamps.withUnsafeBufferPointer { timestamps in
                /// Counts a customer with events; the window can only matter when they span more than it.
                @inline(__always)
                func record(_ customer: Int, _ events: Range<Int>, _ level: Int, _ group: Int) {
                    var reached = level
                    // Both sides are evaluated so that the common case takes no unpredictable branch.
                    let windowMatters = (timestamps[events.upperBound &- 1] &- timestamps[events.lowerBound] > window) && reached >= 2
                    if windowMatters { reached = exact(events) }
                    counts[((customer & (Self.lanes - 1)) &* groups &+ group) &* levels &+ reached] &+= 1
                }
                guard !selection.restrictsTime, selection.customers == nil, selection.groups == nil else {
                    for customer in customers where selection.includes(customer: customer) {
                        let events = selection.events(of: customer)
                        guard !events.isEmpty else { continue }
                        record(customer, events, Self.level(events, codes, bits, masks), selection.group(of: customer))
                    }
                    return
                }
                let half = customers.count / 2
                var a = customers.lowerBound, b = a + half
                while a < customers.lowerBound + half {
                    let eventsA = offsets[a] ..< offsets[a &+ 1], eventsB = offsets[b] ..< offsets[b &+ 1]
                    let levelA = Self.level(eventsA, codes, bits, masks)
                    let levelB = Self.level(eventsB, codes, bits, other)
                    if !eventsA.isEmpty { record(a, eventsA, levelA, 0) }
                    if !eventsB.isEmpty { record(b, eventsB, levelB, 0) }
                    a &+= 1
                    b &+= 1
                }
                while b < customers.upperBound {
                    let events = offsets[b] ..< offsets[b &+ 1]
                    if !events.isEmpty { record(b, events, Self.level(events, codes, bits, masks), 0) }
                    b &+= 1
                }
            }
        }
    }

    /// The greedy level of `events`; `masks` holds `unrolled + 1` values.
    @inline(__always)
    private static func level<Code: FixedWidthInteger>(_ events: Range<Int>, _ codes: UnsafeBufferPointer<Code>,
                                                      _ bits: UnsafeBufferPointer<UInt64>, _ masks: UnsafeMutablePointer<UInt64>) -> Int {
        let low = events.lowerBound, high = events.upperBound
        var mask: UInt64 = 1
        if low &+ unrolled <= codes.count {
            masks[0] = 1
            for slot in 0 ..< unrolled {
                mask &+= mask & bits[Int(codes[low &+ slot])]
                masks[slot &+ 1] = mask
            }
            mask = masks[min(high &- low, unrolled)]
            var event = low &+ unrolled
            while event < high {
                mask &+= mask & bits[Int(codes[event])]
                event &+= 1
            }
        } else {
            for event in events { mask &+= mask & bits[Int(codes[event])] }
        }
        return mask.trailingZeroBitCount
    }
}
