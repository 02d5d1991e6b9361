@testable import JourneyAnalytics
import Testing
import WayfinderTesting

/// Order statistics against a full sort.
@Suite("Quantiles")
struct QuantilesTests {
    /// Values spread as `spread` says: narrow (exact buckets), wide (a second pass), with negatives and repeats.
    static func values(_ count: Int, spread: UInt64, offset: Int64, random: inout SplitMix64) -> [Int64] {
        (0..<count).map { _ in offset + Int64(bitPattern: random.next() % spread) }
    }

    @Test("the rank is the nearest rank: the smallest value with a share q of the values at or below it (DuckDB's quantile_disc), also where q · n is a whole number in decimal but not in binary")
    func nearestRank() {
        for count in 1...1_000 {
            for q in [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] {
                // Counted: the first position whose values at or below it are at least a share q.
                let expected = (0..<count).first { Double($0 + 1) * 100 >= (q * 100).rounded() * Double(count) }!
                #expect(Quantiles.rank(q, of: count) == expected, "q \(q), \(count) values")
            }
        }
        #expect(Quantiles.rank(0.9, of: 100) == 89)
        #expect(Quantiles.rank(0.9, of: 437) == 393)
        #expect(Quantiles.rank(0.5, of: 10) == 4)
        // Large counts: q · n just above a whole number is not taken for it.
        #expect(Quantiles.rank(0.9, of: 120_000_009) == 108_000_008)
        #expect(Quantiles.rank(0.9, of: 120_000_000) == 107_999_999)
    }

    @Test("values at ranks equal a full sort, over parts as they are", arguments: [
        (UInt64(1), Int64(5)), (UInt64(40_000), Int64(0)), (UInt64(3_000_000_000), Int64(-1_000)),
        (UInt64(1) << 62, Int64.min / 2), (UInt64(7), Int64.max - 10),
    ])
    func againstSort(_ spread: UInt64, _ offset: Int64) {
        var random = SplitMix64(seed: spread ^ UInt64(bitPattern: offset))
        for count in [1, 2, 3, 10, 1_001, 50_000] {
            let parts = [Self.values(count / 3, spread: spread, offset: offset, random: &random), [],
                         Self.values(count - count / 3, spread: spread, offset: offset, random: &random)]
            let sorted = parts.flatMap { $0 }.sorted()
            let ranks = [0, count / 2, Quantiles.rank(0.9, of: count), count - 1]
            #expect(Quantiles.elements(parts: parts, ranks: ranks) == ranks.map { sorted[$0] }, "\(count) values over \(spread)")
            let bounds = (sorted.first! - Int64(spread % 3)) ... sorted.last!
            #expect(Quantiles.elements(parts: parts, ranks: ranks, within: bounds) == ranks.map { sorted[$0] }, "\(count) values within \(bounds)")
            var merged = parts.flatMap { $0 }
            #expect(Quantiles.discrete(&merged, 0.5) == sorted[Quantiles.rank(0.5, of: count)])
            let summary = Quantiles.summary(parts: parts)
            #expect(summary.median == Double(sorted[Quantiles.rank(0.5, of: count)]) / 1000)
            #expect(summary.p90 == Double(sorted[Quantiles.rank(0.9, of: count)]) / 1000)
        }
    }

    @Test("no values: no summary")
    func empty() {
        let summary = Quantiles.summary(parts: [[], []])
        #expect(summary.median == nil && summary.p90 == nil)
    }
}
