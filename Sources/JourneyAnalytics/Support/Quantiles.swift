/// Exact order statistics without a full sort.
enum Quantiles {
    /// The nearest rank `ceil(q · n) − 1` (from 0) of `n` values: the smallest value with at least
    /// a share q of the values at or below it, as DuckDB's `quantile_disc` returns. The median of
    /// an even number of values is the lower middle one.
    /// (q · n within a few units in the last place of a whole number counts as it: 0.9 · 100 is
    /// 90.00000000000001 in binary.)
    static func rank(_ q: Double, of count: Int) -> Int {
        let position = q * Double(count)
        let whole = position.rounded()
        let ceiling = abs(position - whole) <= 4 * position.ulp ? whole : position.rounded(.up)
        return max(0, min(count - 1, Int(ceiling) - 1))
    }

    /// The value at rank `ceil(q · n) − 1` of `values`, or nil when empty. Reorders `values`.
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

    /// The median and the 90th percentile in seconds of the values of all `parts` together, all
    /// within `bounds` when given (which saves a pass).
    static func summary(parts: [[Int64]], within bounds: ClosedRange<Int64>? = nil) -> (median: Double?, p90: Double?) {
        let count = parts.reduce(0) { $0 + $1.count }
        guard count > 0 else { return (nil, nil) }
        let values = elements(parts: parts, ranks: [rank(0.5, of: count), rank(0.9, of: count)], within: bounds)
        return (Double(values[0]) / 1000, Double(values[1]) / 1000)
    }

    /// The values that would be at `ranks` (each in `0..<n`) if the `n` values of all `parts`
    /// together were sorted ascending; `bounds`, when given, holds every value.
    ///
    /// Radix selection: one pass finds the range (unless `bounds` gives it), a second counts the
    /// values into at most 2¹⁶ buckets of equal width, and a third reads out the values of the
    /// buckets holding the ranks, among which each rank is selected exactly. Values are not
    /// moved, so the parts can be the per-thread lists as they are.
    static func elements(parts: [[Int64]], ranks: [Int], within bounds: ClosedRange<Int64>? = nil) -> [Int64] {
        var low = Int64.max, high = Int64.min
        if let bounds {
            (low, high) = (bounds.lowerBound, bounds.upperBound)
        } else {
            for part in parts {
                part.withUnsafeBufferPointer { buffer in
                    for value in buffer {
                        low = min(low, value)
                        high = max(high, value)
                    }
                }
            }
        }
        let span = UInt64(bitPattern: high &- low)
        let bits = span == 0 ? 0 : UInt64.bitWidth - span.leadingZeroBitCount
        let shift = UInt64(max(0, bits - 16))
        var histogram = [Int](repeating: 0, count: Int(span >> shift) + 1)
        histogram.withUnsafeMutableBufferPointer { counts in
            for part in parts {
                part.withUnsafeBufferPointer { buffer in
                    for value in buffer { counts[Int(UInt64(bitPattern: value &- low) >> shift)] += 1 }
                }
            }
        }
        // The bucket of each rank and the values in buckets before it.
        let targets = ranks.map { rank -> (bucket: Int, before: Int) in
            var bucket = 0, before = 0
            while before + histogram[bucket] <= rank {
                before += histogram[bucket]
                bucket += 1
            }
            return (bucket, before)
        }
        if shift == 0 { return targets.map { low &+ Int64($0.bucket) } }
        let buckets = Array(Set(targets.map(\.bucket))).sorted()
        var members = buckets.map { bucket -> [Int64] in
            var list: [Int64] = []
            list.reserveCapacity(histogram[bucket])
            return list
        }
        for part in parts {
            part.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    let bucket = Int(UInt64(bitPattern: value &- low) >> shift)
                    for (slot, wanted) in buckets.enumerated() where bucket == wanted { members[slot].append(value) }
                }
            }
        }
        return zip(ranks, targets).map { rank, target in
            let slot = buckets.firstIndex(of: target.bucket)!
            return element(&members[slot], rank: rank - target.before)
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
