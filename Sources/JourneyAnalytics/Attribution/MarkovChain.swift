/// A Markov chain of journeys: states (a channel or touchpoint, or with order k the last k of
/// them), transition counts between them, and two absorbing ends, `(conversion)` and `(null)`.
///
/// Each path adds one count to each transition along it: `(start)` to its first state, state to
/// state, and its last state to `(conversion)` or `(null)`. Transition probabilities are the
/// counts over each state's total. The conversion probability of a state is the probability of
/// being absorbed in `(conversion)` from it: the solution of p(s) = Σ P(s→t) p(t) with
/// p(conversion) = 1 and p(null) = 0, by Gaussian elimination for chains of up to
/// ``directLimit`` states, by Gauss–Seidel sweeps (until no value moves by more than 1e-15)
/// for larger ones, within a bounded amount of work. Attribution's removal effects and the next
/// best action both read it.
public struct MarkovChain: Sendable {
    /// Where a transition goes besides a state.
    public static let conversion = -1, null = -2
    /// The start state's number.
    public static let start = 0
    /// Chains of at most this many states are solved directly.
    public static let directLimit = 150
    /// The most transitions × sweeps an iterative solve may take.
    public static let workLimit = 300_000_000

    /// The states' keys (the sequence of the last k items), state 0 being `(start)` with an empty key.
    public private(set) var keys: [[Int32]] = [[]]
    private var numbers: [[Int32]: Int] = [[]: 0]
    /// Per state, its transitions: target (a state, ``conversion`` or ``null``) and count.
    public private(set) var transitions: [[Int: Double]] = [[:]]

    /// The chain did not settle within the work allowed.
    public struct NotSolved: Error, CustomStringConvertible, Sendable {
        public var states: Int
        public var description: String {
            "the Markov chain of \(states) states did not settle within the work allowed"
        }
    }

    public init() {}

    /// The chain of order `order` of paths (consecutive repeats collapsed), each with how many
    /// journeys along it converted and how many did not; paths are added in a fixed order, so the
    /// states are numbered alike on every run.
    public init(paths: [[Int32]: (converted: Double, not: Double)], order: Int) {
        for (path, ends) in paths.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if ends.converted > 0 { add(path: path, order: order, converted: true, count: ends.converted) }
            if ends.not > 0 { add(path: path, order: order, converted: false, count: ends.not) }
        }
    }

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

    /// The chain's transition probabilities, read once and solved as often as asked.
    public struct Solver: Sendable {
        /// Per state: the probability of going straight to `(conversion)`, and the states it goes to with theirs.
        let rows: [(constant: Double, targets: [(state: Int, share: Double)])]

        /// Per state, the probability of reaching `(conversion)` from it; states for which
        /// `removed` is true are sent to `(null)` (their probability is 0). `workLimit` bounds the
        /// transitions × sweeps of an iterative solve.
        public func probabilities(removed: [Bool]? = nil, workLimit: Int = MarkovChain.workLimit) throws(NotSolved) -> [Double] {
            rows.count <= MarkovChain.directLimit ? direct(removed: removed) : try iterated(removed: removed, workLimit: workLimit)
        }

        private func isRemoved(_ state: Int, _ removed: [Bool]?) -> Bool { removed?[state] ?? false }

        /// (I − Q) p = r by Gaussian elimination with partial pivoting.
        private func direct(removed: [Bool]?) -> [Double] {
            let n = rows.count
            var matrix = [Double](repeating: 0, count: n * (n + 1))
            for state in 0..<n {
                matrix[state * (n + 1) + state] = 1
                guard !isRemoved(state, removed) else { continue }
                matrix[state * (n + 1) + n] = rows[state].constant
                for (target, share) in rows[state].targets where !isRemoved(target, removed) {
                    matrix[state * (n + 1) + target] -= share
                }
            }
            for column in 0..<n {
                var pivot = column
                for row in column + 1 ..< n where abs(matrix[row * (n + 1) + column]) > abs(matrix[pivot * (n + 1) + column]) { pivot = row }
                if pivot != column {
                    for k in column...n { matrix.swapAt(column * (n + 1) + k, pivot * (n + 1) + k) }
                }
                let lead = matrix[column * (n + 1) + column]
                guard lead != 0 else { continue }
                for row in 0..<n where row != column {
                    let factor = matrix[row * (n + 1) + column] / lead
                    guard factor != 0 else { continue }
                    for k in column...n { matrix[row * (n + 1) + k] -= factor * matrix[column * (n + 1) + k] }
                }
            }
            return (0..<n).map { state in
                let lead = matrix[state * (n + 1) + state]
                return lead == 0 ? 0 : min(1, max(0, matrix[state * (n + 1) + n] / lead))
            }
        }

        /// Gauss–Seidel sweeps, later states first (along paths that go forward one sweep
        /// carries the ends back to the start), until no value moves by more than 1e-15.
        private func iterated(removed: [Bool]?, workLimit: Int) throws(NotSolved) -> [Double] {
            var probability = [Double](repeating: 0, count: rows.count)
            let work = max(1, rows.reduce(0) { $0 + $1.targets.count + 1 })
            for _ in 0 ..< max(1, workLimit / work) {
                var moved = 0.0
                for state in rows.indices.reversed() where !isRemoved(state, removed) {
                    var value = rows[state].constant
                    for (target, share) in rows[state].targets where !isRemoved(target, removed) { value += share * probability[target] }
                    moved = max(moved, abs(value - probability[state]))
                    probability[state] = value
                }
                if moved <= 1e-15 { return probability }
            }
            throw NotSolved(states: rows.count)
        }
    }

    /// The solver of this chain.
    public var solver: Solver {
        Solver(rows: transitions.map { row in
            let total = row.values.reduce(0, +)
            guard total > 0 else { return (0, []) }
            var constant = 0.0
            var targets: [(state: Int, share: Double)] = []
            for (target, count) in row.sorted(by: { $0.key < $1.key }) {
                if target == Self.conversion { constant += count / total } else if target >= 0 { targets.append((target, count / total)) }
            }
            return (constant, targets)
        })
    }

    /// Per state, the probability of reaching `(conversion)` from it.
    public func conversionProbabilities() throws(NotSolved) -> [Double] { try solver.probabilities() }
}
