import Foundation

/// The attribution models: how the credit for a conversion is shared among the items (channels
/// or touchpoints) of the path that led to it. See `docs/analytics.md`, "Attribution".
public enum AttributionModel: String, Codable, Sendable, CaseIterable {
    /// All credit to the path's first item.
    case firstTouch = "first_touch"
    /// All credit to the path's last item.
    case lastTouch = "last_touch"
    /// An equal share to every item of the path, each time it occurs.
    case linear
    /// Shares halving with every half-life between an item and the conversion.
    case timeDecay = "time_decay"
    /// 40% to the first item, 40% to the last, 20% shared by those between (a path of two: half each).
    case position
    /// Removal effects in a Markov chain of order k of every path.
    case markov
    /// Shapley values of the game whose worth of a set of items is the conversions of the paths within it.
    case shapley
}

/// Paths of journeys and the credit a model gives their items: customers are added one by one
/// (on any thread, each tally merged after), and ``credits()`` shares the conversions.
public struct AttributionTally: Sendable {
    public let model: AttributionModel
    /// Items (channels or touchpoints) that paths name, numbered from 0.
    public let items: Int
    /// The Markov chain's order (1 to 4).
    public let order: Int
    /// Time decay's half-life in milliseconds.
    public let halfLife: Double

    /// Journeys with a path, converted ones, and the value of the converted ones.
    public private(set) var journeys = 0
    public private(set) var conversions = 0.0
    public private(set) var value = 0.0
    /// The heuristic models' credit per item, in conversions and in value.
    private var credit: [Double]
    private var creditValue: [Double]
    /// Markov: the paths with consecutive repeats collapsed, each with its conversions and nulls.
    private var collapsed: [[Int32]: Ends] = [:]
    /// Shapley: the sets of items of the converted paths, each with its conversions and value.
    private var sets: [[Int32]: Ends] = [:]

    struct Ends: Sendable {
        var conversions = 0.0, nulls = 0.0, value = 0.0
    }

    /// An empty tally; `halfLifeDays` is time decay's, `order` the Markov chain's.
    public init(model: AttributionModel, items: Int, order: Int = 1, halfLifeDays: Double = 7) {
        self.model = model
        self.items = items
        self.order = max(1, order)
        halfLife = halfLifeDays * 86_400_000
        credit = [Double](repeating: 0, count: items)
        creditValue = [Double](repeating: 0, count: items)
    }

    /// Adds a journey: its path `path` (item numbers in time order; empty paths are not added),
    /// the times of its events (time decay reads them), whether it converted, when, and its
    /// value (counted for converted journeys).
    public mutating func add(path: [Int32], times: [Int64] = [], converted: Bool, at conversion: Int64 = 0, value journeyValue: Double = 0) {
        guard !path.isEmpty else { return }
        journeys += 1
        if converted {
            conversions += 1
            value += journeyValue
        }
        switch model {
        case .markov:
            var items: [Int32] = []
            for item in path where item != items.last { items.append(item) }
            collapsed[items, default: Ends()].add(converted: converted, value: journeyValue)
        case .shapley:
            guard converted else { return }
            sets[Array(Set(path)).sorted(), default: Ends()].add(converted: true, value: journeyValue)
        default:
            guard converted else { return }
            var shares = [Double](repeating: 0, count: path.count)
            let n = path.count
            switch model {
            case .firstTouch: shares[0] = 1
            case .lastTouch: shares[n - 1] = 1
            case .linear: shares = Array(repeating: 1 / Double(n), count: n)
            case .position:
                if n == 1 {
                    shares[0] = 1
                } else if n == 2 {
                    shares = [0.5, 0.5]
                } else {
                    shares = Array(repeating: 0.2 / Double(n - 2), count: n)
                    shares[0] = 0.4
                    shares[n - 1] = 0.4
                }
            case .timeDecay:
                let ages = path.indices.map { position -> Double in
                    position < times.count ? max(0, Double(conversion - times[position])) : 0
                }
                // Counted from the youngest touch, which changes no share but keeps the weights
                // from all vanishing when every touch is thousands of half-lives old.
                let youngest = ages.min() ?? 0
                let weights = ages.map { halfLife > 0 ? exp2(-($0 - youngest) / halfLife) : 1 }
                let total = weights.reduce(0, +)
                shares = weights.map { $0 / total }
            case .markov, .shapley: break
            }
            for (position, item) in path.enumerated() where shares[position] != 0 {
                credit[Int(item)] += shares[position]
                creditValue[Int(item)] += shares[position] * journeyValue
            }
        }
    }

    /// Adds the journeys of another tally of the same model and items.
    public mutating func merge(_ other: AttributionTally) {
        journeys += other.journeys
        conversions += other.conversions
        value += other.value
        for item in 0..<items {
            credit[item] += other.credit[item]
            creditValue[item] += other.creditValue[item]
        }
        collapsed.merge(other.collapsed) { $0.adding($1) }
        sets.merge(other.sets) { $0.adding($1) }
    }

    /// What the model gives each item.
    public struct Credits: Sendable, Equatable {
        /// Conversions credited to each item.
        public var conversions: [Double]
        /// Value credited to each item.
        public var value: [Double]
        /// Markov: each item's removal effect, and the chain's conversion probability from `(start)`.
        public var removalEffects: [Double]?
        public var probability: Double?
    }

    /// The credit of every item under the model; a Markov chain too large to settle is refused.
    public func credits() throws(AnalysisError) -> Credits {
        switch model {
        case .markov:
            let chain = MarkovChain(paths: collapsed.mapValues { ($0.conversions, $0.nulls) }, order: order)
            let solver = chain.solver
            var effects = [Double](repeating: 0, count: items)
            let probability: Double
            do {
                probability = try solver.probabilities()[MarkovChain.start]
                // The states each item is part of: only items in some state are removed.
                var statesOf = [[Int]](repeating: [], count: items)
                for (state, key) in chain.keys.enumerated() {
                    for item in Set(key) where Int(item) < items { statesOf[Int(item)].append(state) }
                }
                if probability > 0 {
                    for item in 0..<items where !statesOf[item].isEmpty {
                        var removed = [Bool](repeating: false, count: chain.keys.count)
                        for state in statesOf[item] { removed[state] = true }
                        let without = try solver.probabilities(removed: removed)[MarkovChain.start]
                        effects[item] = max(0, 1 - without / probability)
                    }
                }
            } catch {
                throw AnalysisError(field: "options.markov_order", problem: "is too high here: " + error.description + "; use a lower order, or narrow the query")
            }
            let total = effects.reduce(0, +)
            return Credits(conversions: effects.map { total > 0 ? conversions * $0 / total : 0 },
                           value: effects.map { total > 0 ? value * $0 / total : 0 }, removalEffects: effects, probability: probability)
        case .shapley:
            // The game is a sum of unanimity games, one per set of items that occurs (worth its
            // conversions), and each shares its worth equally among its members: exact, without sampling.
            var shares = [Double](repeating: 0, count: items), values = [Double](repeating: 0, count: items)
            for (set, ends) in sets {
                for item in set {
                    shares[Int(item)] += ends.conversions / Double(set.count)
                    values[Int(item)] += ends.value / Double(set.count)
                }
            }
            return Credits(conversions: shares, value: values)
        default:
            return Credits(conversions: credit, value: creditValue)
        }
    }
}

extension AttributionTally.Ends {
    mutating func add(converted: Bool, value: Double) {
        if converted {
            conversions += 1
            self.value += value
        } else {
            nulls += 1
        }
    }

    func adding(_ other: Self) -> Self {
        Self(conversions: conversions + other.conversions, nulls: nulls + other.nulls, value: value + other.value)
    }
}
