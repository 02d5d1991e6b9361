import Dispatch

/// Lays the rows the threads read out by customer: a counting sort on the customer position
/// (stable, so arrival order survives), then each customer's events ordered by time and sequence
/// number, then unclassified events counted and removed.
///
/// Before the unclassified events are removed, the layout is what an ``IndexState`` keeps: the
/// rows of a saved state and the rows read since lay out into the same order a build from
/// scratch gives, merged customers included.
struct Layout {
    var offsets: [Int]
    var sequences: [Int64]
    var timestamps: [Int64]
    var touchpoints: [UInt16]
    var channels: [UInt8]
    var flags: [UInt8]
    var offMapEvents: [UInt32]
    var channelNames: [String] = []
    var firstValues: [[Int32: IndexBuilder.FirstValue]] = []
    let customerCount: Int

    /// The rows of `chunks` by customer; `properties` is the number of property paths whose first values are kept.
    init(customers: Int, properties: Int, chunks: [IndexBuilder.Chunk]) {
        customerCount = customers
        // One channel numbering: the first chunk's, then names the others add.
        var names: [String] = []
        var numbers: [String: UInt8] = [:]
        let remaps: [[UInt8]] = chunks.map { chunk in
            chunk.channelNames.map { name in
                if let known = numbers[name] { return known }
                let number = UInt8(truncatingIfNeeded: min(names.count, 255))
                if names.count < 255 { numbers[name] = number; names.append(name) }
                return number
            }
        }
        channelNames = names
        var counts = [Int](repeating: 0, count: customers + 1)
        for chunk in chunks { for customer in chunk.customer { counts[Int(customer) + 1] += 1 } }
        for index in 0..<customers { counts[index + 1] += counts[index] }
        offsets = counts
        let total = counts[customers]
        let withFlags = chunks.contains { !$0.flags.isEmpty }
        var next = counts
        sequences = [Int64](repeating: 0, count: total)
        timestamps = [Int64](repeating: 0, count: total)
        touchpoints = [UInt16](repeating: 0, count: total)
        channels = [UInt8](repeating: 0, count: total)
        flags = withFlags ? [UInt8](repeating: 0, count: total) : []
        offMapEvents = [UInt32](repeating: 0, count: customers)
        for (number, chunk) in chunks.enumerated() {
            let remap = remaps[number]
            for row in 0..<chunk.customer.count {
                let customer = Int(chunk.customer[row])
                let slot = next[customer]
                next[customer] = slot + 1
                sequences[slot] = chunk.sequence[row]
                timestamps[slot] = chunk.timestamp[row]
                touchpoints[slot] = chunk.touchpoint[row]
                let channel = chunk.channel[row]
                channels[slot] = Int(channel) < remap.count ? remap[Int(channel)] : 255
                if withFlags { flags[slot] = chunk.flags[row] }
            }
        }
        // Per property, the earliest value of each customer across chunks (of equal times, the first to arrive).
        firstValues = Array(repeating: [:], count: properties)
        for chunk in chunks {
            for (index, values) in chunk.firstValues.enumerated() where index < properties {
                guard !firstValues[index].isEmpty else {
                    firstValues[index] = values
                    continue
                }
                for (customer, value) in values where firstValues[index][customer].map({ value.precedes($0) }) ?? true {
                    firstValues[index][customer] = value
                }
            }
        }
    }

    /// The layout a saved state holds: its rows already ordered, off-map events still in.
    init(_ state: IndexState) {
        customerCount = state.roots.count
        offsets = state.offsets
        sequences = state.sequences
        timestamps = state.timestamps
        touchpoints = state.touchpoints
        channels = state.channels
        flags = state.flags
        channelNames = state.channelNames
        firstValues = state.firstValues
        offMapEvents = [UInt32](repeating: 0, count: customerCount)
    }

    func events(of customer: Int) -> Range<Int> { offsets[customer] ..< offsets[customer + 1] }

    /// Orders each customer's events by time, and events of one time by sequence number (the order
    /// they arrived in).
    mutating func orderByTime() {
        let halves = [0 ..< customerCount / 2, customerCount / 2 ..< customerCount]
        sequences.withUnsafeMutableBufferPointer { sequences in
            timestamps.withUnsafeMutableBufferPointer { timestamps in
                touchpoints.withUnsafeMutableBufferPointer { touchpoints in
                    channels.withUnsafeMutableBufferPointer { channels in
                        flags.withUnsafeMutableBufferPointer { flags in
                            let columns = Columns(sequences: sequences, timestamps: timestamps, touchpoints: touchpoints, channels: channels, flags: flags)
                            let offsets = self.offsets
                            DispatchQueue.concurrentPerform(iterations: halves.count) { part in
                                for customer in halves[part] { columns.sort(offsets[customer] ..< offsets[customer + 1]) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Counts the unclassified events inside each customer's classified span and drops them all.
    mutating func dropOffMap() {
        var write = 0
        var newOffsets = offsets
        for customer in 0..<customerCount {
            let range = events(of: customer)
            newOffsets[customer] = write
            var first = -1, last = -1
            for event in range where touchpoints[event] != IndexBuilder.offMap {
                if first < 0 { first = event }
                last = event
            }
            var offMap: UInt32 = 0
            for event in range {
                if touchpoints[event] == IndexBuilder.offMap {
                    if event > first, event < last { offMap += 1 }
                    continue
                }
                timestamps[write] = timestamps[event]
                touchpoints[write] = touchpoints[event]
                channels[write] = channels[event]
                if !flags.isEmpty { flags[write] = flags[event] }
                write += 1
            }
            offMapEvents[customer] = offMap
        }
        newOffsets[customerCount] = write
        offsets = newOffsets
        // Fresh arrays of the exact size: removing elements would keep the capacity the off-map events took.
        sequences = []
        timestamps = Array(timestamps[..<write])
        touchpoints = Array(touchpoints[..<write])
        channels = Array(channels[..<write])
        if !flags.isEmpty { flags = Array(flags[..<write]) }
    }

    /// The kept property values as columns.
    func propertyColumns(_ paths: [String]) -> [String: ValueColumn] {
        var result: [String: ValueColumn] = [:]
        for (index, path) in paths.enumerated() where index < firstValues.count {
            var column = ValueColumn(codes: [UInt32](repeating: 0, count: customerCount))
            var codes: [String: UInt32] = [:]
            for (customer, value) in firstValues[index].sorted(by: { $0.key < $1.key }) {
                let code: UInt32
                if let known = codes[value.text] {
                    code = known
                } else {
                    code = UInt32(column.values.count)
                    codes[value.text] = code
                    column.values.append(value.text)
                }
                column.codes[Int(customer)] = code
            }
            result[path] = column
        }
        return result
    }
}

/// The event columns of a layout, sorted per customer from several threads at once; each thread
/// touches only its own customers' disjoint ranges.
private struct Columns: @unchecked Sendable {
    let sequences: UnsafeMutableBufferPointer<Int64>
    let timestamps: UnsafeMutableBufferPointer<Int64>
    let touchpoints: UnsafeMutableBufferPointer<UInt16>
    let channels: UnsafeMutableBufferPointer<UInt8>
    let flags: UnsafeMutableBufferPointer<UInt8>

    func sort(_ range: Range<Int>) {
        guard range.count > 1 else { return }
        var sorted = true
        for event in range.dropFirst() where (timestamps[event], sequences[event]) < (timestamps[event - 1], sequences[event - 1]) {
            sorted = false
            break
        }
        guard !sorted else { return }
        let order = range.sorted { (timestamps[$0], sequences[$0]) < (timestamps[$1], sequences[$1]) }
        let numbers = order.map { sequences[$0] }, times = order.map { timestamps[$0] }, points = order.map { touchpoints[$0] }
        let ways = order.map { channels[$0] }
        let marks = flags.isEmpty ? [] : order.map { flags[$0] }
        for (offset, event) in range.enumerated() {
            sequences[event] = numbers[offset]
            timestamps[event] = times[offset]
            touchpoints[event] = points[offset]
            channels[event] = ways[offset]
            if !marks.isEmpty { flags[event] = marks[offset] }
        }
    }
}
