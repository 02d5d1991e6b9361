/// Exact order statistics without a full sort.
enum Quantiles {
    /// The value at rank `floor(q · (n − 1))` of `values` (nearest rank below, as DuckDB's
    /// `quantile_disc` returns), or nil when empty. Reorders `values`.
    static func discrete(_ values: inout [Int64], _ q: Double) -> Int64? {
        guard !values.isEmpty else { return nil }
        return element(&values, rank: Int((q * Double(values.count - 1)).rounded(.down)))
    }

    /// The value that would be at `rank` (from 0) if `values` were sorted ascending. Reorders `values`.
    static func element(_ values: inout [Int64], rank: Int) -> Int64 {
        values.withUnsafeMutableBufferPointer { select(rank, in: $0) }
    }

    /// The median and the 90th percentile in seconds.
    static func summary(_ milliseconds: inout [Int64]) -> (median: Double?, p90: Double?) {
        let median = discrete(&milliseconds, 0.5).map { Double($0) / 1000 }
        let p90 = discrete(&milliseconds, 0.9).map { Double($0) / 1000 }
        return (median, p90)
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
