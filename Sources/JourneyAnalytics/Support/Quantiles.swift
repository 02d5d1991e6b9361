/// Exact order statistics without a full sort.
enum Quantiles {
    /// The rank `floor(q · (n − 1))` of `n` values (nearest rank below, as DuckDB's `quantile_disc` returns).
    static func rank(_ q: Double, of count: Int) -> Int { Int((q * Double(count - 1)).rounded(.down)) }

    /// The value at rank `floor(q · (n − 1))` of `values`, or nil when empty. Reorders `values`.
    static func discrete(_ values: inout [Int64], _ q: Double) -> Int64? {
        guard !values.isEmpty else { return nil }
        return element(&values, rank: rank(q, of: values.count))
    }

    /// The value that would be at `rank` (from 0) if `values` were sorted ascending. Reorders `values`.
    static func element(_ values: inout [Int64], rank: Int) -> Int64 {
        values.withUnsafeMutableBufferPointer { select(rank, in: $0) }
    }

    /// The median and the 90th percentile in seconds.
    static func summary(_ milliseconds: inout [Int64]) -> (median: Double?, p90: Double?) {
        summary(parts: [milliseconds])
    }

    /// The median and the 90th percentile in seconds of the values of all `parts` together.
    static func summary(parts: [[Int64]]) -> (median: Double?, p90: Double?) {
        let count = parts.reduce(0) { $0 + $1.count }
        guard count > 0 else { return (nil, nil) }
        let values = elements(parts: parts, ranks: [rank(0.5, of: count), rank(0.9, of: count)])
        return (Double(values[0]) / 1000, Double(values[1]) / 1000)
    }

    /// The values that would be at `ranks` (each in `0..<n`) if the `n` values of all `parts` together were sorted ascending.
    ///
    /// Radix selection: one pass finds the range, a second counts the values into 2¹⁶ buckets of
    /// equal width, and the buckets holding the ranks are read out again and selected exactly.
    /// Values are not moved, so the parts can be the per-thread lists as they are.
    static func elements(parts: [[Int64]], ranks: [Int]) -> [Int64] {
        var low = Int64.max, high = Int64.min
        for part in parts {
            part.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    low = min(low, value)
                    high = max(high, value)
                }
            }
        }
        let span = UInt64(bitPattern: high &- low)
        let bits = span == 0 ? 0 : UInt64.bitWidth - span.leadingZeroBitCount
        let shift = max(0, bits - 16)
        var histogram = [Int](repeating: 0, count: Int(span >> UInt64(shift)) + 1)
        histogram.withUnsafeMutableBufferPointer { counts in
            for part in parts {
                part.withUnsafeBufferPointer { buffer in
                    for value in buffer { counts[Int(UInt64(bitPattern: value &- low) >> UInt64(shift))] += 1 }
                }
            }
        }
        return ranks.map { rank in
            var bucket = 0, before = 0
            while before + histogram[bucket] <= rank {
                before += histogram[bucket]
                bucket += 1
            }
            if shift == 0 { return low &+ Int64(bucket) }
            var members: [Int64] = []
            members.reserveCapacity(histogram[bucket])
            for part in parts {
                for value in part where Int(UInt64(bitPattern: value &- low) >> UInt64(shift)) == bucket { members.append(value) }
            }
            return element(&members, rank: rank - before)
        }
    }

    /// Quickselect (median-of-three pivot, three-way partition).
    private static func select(_ rank: Int, in values: UnsafeMutableBufferPointer<Int64>) -> Int64 {
        var low = 0, high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let a = values[low], b = values[middle], c = values[high]
            let pivot = max(min(a, b), min(max(a, b), c))
            var less = low, index = low, greater = high
            while index <= greater {
                if values[index] < pivot {
                    values.swapAt(less, index); less += 1; index += 1
                } else if values[index] > pivot {
                    values.swapAt(index, greater); greater -= 1
                } else {
                    index += 1
                }
            }
            if rank < less { high = less - 1 } else if rank > greater { low = greater + 1 } else { return pivot }
        }
        return values[low]
    }
}
