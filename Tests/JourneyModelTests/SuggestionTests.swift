import JourneyModel
import Testing

@Suite("Suggestions")
struct SuggestionTests {
    /// The edit distance's recursive definition (insert, delete, substitute, swap adjacent) over suffixes, memoised.
    func reference(_ a: [Character], _ b: [Character]) -> Int {
        var memo: [Int: Int] = [:]
        func distance(_ i: Int, _ j: Int) -> Int {
            if i == a.count { return b.count - j }
            if j == b.count { return a.count - i }
            if let known = memo[i * 1000 + j] { return known }
            var best = min(distance(i + 1, j) + 1, distance(i, j + 1) + 1, distance(i + 1, j + 1) + (a[i] == b[j] ? 0 : 1))
            if i + 1 < a.count, j + 1 < b.count, a[i] == b[j + 1], a[i + 1] == b[j] {
                best = min(best, distance(i + 2, j + 2) + 1)
            }
            memo[i * 1000 + j] = best
            return best
        }
        return distance(0, 0)
    }

    @Test("edit distance agrees with a reference", arguments: [
        ("emotion", "emtion"), ("stage", "stgae"), ("kpis", "kpi"), ("", "abc"), ("observed", "observd"), ("abc", "abc"),
        ("painpoints", "pain_points"), ("gte", "gtee"), ("decision", "decison"), ("ab", "ba"), ("kitten", "sitting"), ("ca", "abc"),
    ])
    func distance(pair: (String, String)) {
        #expect(Suggestions.editDistance(pair.0, pair.1) == reference(Array(pair.0), Array(pair.1)))
    }

    @Test("did-you-mean picks the closest close candidate")
    func closest() {
        #expect(Suggestions.closest(to: "emtion", in: FormatSchema.touchpoint.keys) == "emotion")
        #expect(Suggestions.closest(to: "painpoints", in: FormatSchema.touchpoint.keys) == "pain_points")
        #expect(Suggestions.closest(to: "zzzzzz", in: FormatSchema.touchpoint.keys) == nil)
    }
}
