/// A Markov chain of journeys: states (a channel or touchpoint, or with order k the last k of
/// them), transition counts between them, and two absorbing ends, `(conversion)` and `(null)`.
///
/// Each path adds one count to each transition along it: `(start)` to its first state, state to
/// state, and its last state to `(conversion)` or `(null)`. Transition probabilities are the
/// counts over each state's total. The conversion probability of a state is the probability of
/// being absorbed in `(conversion)` from it, solved from p(s) = Σ P(s→t) p(t) with
/// p(conversion) = 1 and p(null) = 0 (Gauss–Seidel sweeps until no value moves by more than
/// 1e-15). Attribution's removal effects and the next best action both read it.
public struct MarkovChain: Sendable {
    /// Where a transition goes besides a state.
    public static let conversion = -1, null = -2
    /// The start state's number.
    public static let start = 0

    /// The states' keys (the sequence of the last k items), state 0 being `(start)` with an empty key.
    public private(set) var keys: [[Int32]] = [[]]
    private var numbers: [[Int32]: Int] = [[]: 0]
    /// Per state, its transitions: target (a state, ``conversion`` or ``null``) and count.
    public private(set) var transitions: [[Int: Double]] = [[:]]

    public init() {}

    /// The number of the state with `key`, added when new.
    public mutating func state(_ key: [Int32]) -> Int {
        if let known = numbers[key] { return known }
        numbers[key] = keys.count
        keys.append(key)
        transitions.append([:])
        return keys.count - 1
    }

    /// The number of the state with `key`, or nil when no path passed it.
    public func existing(_ key: [Int32]) -> Int? { numbers[key] }

    /// Adds `count` to the transition from `from` to `to`.
    public mutating func add(from: Int, to: Int, count: Double) {
        transitions[from][to, default: 0] += count
    }

    /// Adds `count` paths along `items` (consecutive repeats already collapsed) with states of
    /// order `order`, ending in ``conversion`` or ``null``.
    public mutating func add(path items: [Int32], order: Int, converted: Bool, count: Double) {
        guard !items.isEmpty else { return }
        var previous = Self.start
        for position in items.indices {
            let key = Array(items[max(0, position - order + 1)...position])
            let next = state(key)
            add(from: previous, to: next, count: count)
            previous = next
        }
        add(from: previous, to: converted ? Self.conversion : Self.null, count: count)
    }

    /// Per state, the probability of reaching `(conversion)` from it; states for which `removed`
    /// is true are sent to `(null)` (their probability is 0).
    public func conversionProbabilities(removed: [Bool]? = nil) -> [Double] {
        var probability = [Double](repeating: 0, count: keys.count)
        // Each state's transitions as (target, probability), the absorbing ones folded into a constant.
        let rows: [(constant: Double, targets: [(Int, Double)])] = transitions.map { row in
            let total = row.values.reduce(0, +)
            guard total > 0 else { return (0, []) }
            var constant = 0.0
            var targets: [(Int, Double)] = []
            for (target, count) in row.sorted(by: { $0.key < $1.key }) {
                if target == Self.conversion { constant += count / total } else if target >= 0 { targets.append((target, count / total)) }
            }
            return (constant, targets)
        }
        for _ in 0..<100_000 {
            var moved = 0.0
            // Later states first: along paths that go forward, one sweep carries the ends back to the start.
            for state in rows.indices.reversed() {
                if let removed, removed[state] { continue }
                var value = rows[state].constant
                for (target, share) in rows[state].targets where !(removed?[target] ?? false) { value += share * probability[target] }
                moved = max(moved, abs(value - probability[state]))
                probability[state] = value
            }
            if moved <= 1e-15 { break }
        }
        return probability
    }
}
