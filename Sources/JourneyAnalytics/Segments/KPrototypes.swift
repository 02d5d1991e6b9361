import CustomerData

/// Rows of mixed features: numbers (NaN when absent) and categories (codes, 0 when absent).
struct MixedRows: Sendable {
    /// Rows.
    let count: Int
    /// Numeric features per row, row after row; NaN is an absent value.
    let numbers: [Double]
    let numberWidth: Int
    /// Categorical features per row, row after row; 0 is an absent value.
    let categories: [UInt32]
    let categoryWidth: Int
    /// How many codes each categorical feature has (codes run from 1 to this, inclusive).
    let cardinalities: [Int]
    /// What a mismatch of each categorical feature costs.
    let mismatch: [Double]
}

/// Prototypes of k groups: a number per numeric feature and a category per categorical one.
struct Prototypes: Sendable, Equatable {
    var numbers: [Double]
    var categories: [UInt32]
}

/// k-prototypes clustering (Huang 1998): the cost of a row in a group is the squared distance of
/// its numbers to the group's prototype plus, for each categorical feature, the feature's
/// mismatch cost when its category differs from the prototype's. Absent values count neither way.
/// A group's prototype holds the mean of each number and the most frequent category (the
/// smallest code among ties). Lloyd iterations alternate assignment and update until no row
/// moves; each of `starts` runs begins from k-means++ seeding with the same cost, and the
/// cheapest wins. Deterministic for a seed.
struct KPrototypes: Sendable {
    let rows: MixedRows
    let k: Int

    /// The result of a fit.
    struct Fit: Sendable {
        var prototypes: Prototypes
        var labels: [Int32]
        var cost: Double
    }

    /// The cost of row `row` in the group of prototype `group`.
    @inline(__always)
    func cost(_ row: Int, _ prototypes: Prototypes, _ group: Int) -> Double {
        var total = 0.0
        let nw = rows.numberWidth, cw = rows.categoryWidth
        for feature in 0..<nw {
            let value = rows.numbers[row * nw + feature]
            if value.isNaN { continue }
            let difference = value - prototypes.numbers[group * nw + feature]
            total += difference * difference
        }
        for feature in 0..<cw {
            let code = rows.categories[row * cw + feature]
            if code != 0, code != prototypes.categories[group * cw + feature] { total += rows.mismatch[feature] }
        }
        return total
    }

    /// The cheapest group of a row and its cost.
    @inline(__always)
    func nearest(_ row: Int, _ prototypes: Prototypes, groups: Int) -> (Int, Double) {
        var best = 0, bestCost = Double.infinity
        for group in 0..<groups {
            let value = cost(row, prototypes, group)
            if value < bestCost { (best, bestCost) = (group, value) }
        }
        return (best, bestCost)
    }

    /// The prototypes of the groups `labels` make over `members` (a group with no rows keeps `previous`'s).
    func update(_ labels: [Int32], members: [Int], previous: Prototypes) -> Prototypes {
        let nw = rows.numberWidth, cw = rows.categoryWidth
        var sums = [Double](repeating: 0, count: k * nw), present = [Int](repeating: 0, count: k * nw)
        var counts: [[Int]] = (0..<(k * cw)).map { [Int](repeating: 0, count: rows.cardinalities[$0 % max(cw, 1)] + 1) }
        for (position, row) in members.enumerated() {
            let group = Int(labels[position])
            for feature in 0..<nw {
                let value = rows.numbers[row * nw + feature]
                if value.isNaN { continue }
                sums[group * nw + feature] += value
                present[group * nw + feature] += 1
            }
            for feature in 0..<cw {
                let code = Int(rows.categories[row * cw + feature])
                if code != 0 { counts[group * cw + feature][code] += 1 }
            }
        }
        var next = previous
        for slot in 0..<(k * nw) where present[slot] > 0 { next.numbers[slot] = sums[slot] / Double(present[slot]) }
        for slot in 0..<(k * cw) {
            var best = 0, bestCount = 0
            for (code, count) in counts[slot].enumerated() where count > bestCount { (best, bestCount) = (code, count) }
            if bestCount > 0 { next.categories[slot] = UInt32(best) }
        }
        return next
    }

    /// The prototype made of row `row` alone (absent values: the column's first present value, else 0).
    func prototype(of row: Int) -> ([Double], [UInt32]) {
        let nw = rows.numberWidth, cw = rows.categoryWidth
        let numbers = (0..<nw).map { rows.numbers[row * nw + $0] }.map { $0.isNaN ? 0 : $0 }
        let categories = (0..<cw).map { rows.categories[row * cw + $0] }
        return (numbers, categories)
    }

    /// k-means++ seeding over `members`: the first prototype a random row, each next a row drawn
    /// with probability in proportion to its cost to the nearest prototype so far.
    func seed(_ members: [Int], using random: inout ScenarioRandom) -> Prototypes {
        var prototypes = Prototypes(numbers: [], categories: [])
        let first = members[random.below(members.count)]
        let (numbers, categories) = prototype(of: first)
        prototypes.numbers += numbers
        prototypes.categories += categories
        var nearest = members.map { cost($0, prototypes, 0) }
        for group in 1..<k {
            let total = nearest.reduce(0, +)
            var chosen = members[random.below(members.count)]
            if total > 0 {
                var point = random.unit() * total
                for (position, value) in nearest.enumerated() {
                    point -= value
                    if point <= 0 { chosen = members[position]; break }
                }
            }
            let (numbers, categories) = prototype(of: chosen)
            prototypes.numbers += numbers
            prototypes.categories += categories
            for (position, row) in members.enumerated() { nearest[position] = min(nearest[position], cost(row, prototypes, group)) }
        }
        return prototypes
    }

    /// Lloyd iterations over `members` from `start`, until no row moves or `iterations` ran.
    func refine(_ members: [Int], from start: Prototypes, iterations: Int = 100) -> Fit {
        var prototypes = start
        var labels = [Int32](repeating: -1, count: members.count)
        var cost = 0.0
        var settled = false
        for _ in 0..<iterations {
            let (current, previous) = (prototypes, labels)
            let parts = Parallel.map(members.count) { range -> (moved: Int, cost: Double, labels: [Int32]) in
                var moved = 0, total = 0.0
                var part = [Int32](repeating: 0, count: range.count)
                for position in range {
                    let (group, value) = nearest(members[position], current, groups: k)
                    part[position - range.lowerBound] = Int32(group)
                    if previous[position] != Int32(group) { moved += 1 }
                    total += value
                }
                return (moved, total, part)
            }
            labels = parts.flatMap(\.labels)
            cost = parts.reduce(0) { $0 + $1.cost }
            if parts.reduce(0, { $0 + $1.moved }) == 0 { settled = true; break }
            prototypes = reseedEmpty(update(labels, members: members, previous: prototypes), labels: &labels, members: members)
        }
        if !settled {
            // Stopped by the cap: the prototypes follow the last labels, and the cost is theirs.
            prototypes = update(labels, members: members, previous: prototypes)
            cost = 0
            for (position, row) in members.enumerated() { cost += self.cost(row, prototypes, Int(labels[position])) }
        }
        return Fit(prototypes: prototypes, labels: labels, cost: cost)
    }

    /// Gives a group left with no rows the row that costs most in its own group.
    func reseedEmpty(_ prototypes: Prototypes, labels: inout [Int32], members: [Int]) -> Prototypes {
        var sizes = [Int](repeating: 0, count: k)
        for label in labels { sizes[Int(label)] += 1 }
        guard sizes.contains(0), members.count >= k else { return prototypes }
        var next = prototypes
        let nw = rows.numberWidth, cw = rows.categoryWidth
        for group in 0..<k where sizes[group] == 0 {
            var worst = -1, worstCost = -1.0
            for (position, row) in members.enumerated() where sizes[Int(labels[position])] > 1 {
                let value = cost(row, next, Int(labels[position]))
                if value > worstCost { (worst, worstCost) = (position, value) }
            }
            guard worst >= 0 else { break }
            sizes[Int(labels[worst])] -= 1
            labels[worst] = Int32(group)
            sizes[group] = 1
            let (numbers, categories) = prototype(of: members[worst])
            next.numbers.replaceSubrange(group * nw ..< (group + 1) * nw, with: numbers)
            next.categories.replaceSubrange(group * cw ..< (group + 1) * cw, with: categories)
        }
        return next
    }

    /// Moves single rows to the group where the grouping's cost falls most (Hartigan's method,
    /// with each group's means and most frequent categories recomputed for the move), until no move
    /// lowers the cost or `sweeps` passes ran. Lloyd's iterations stop where no row is nearer
    /// another prototype; a move can still pay once the prototypes follow it.
    func improve(_ members: [Int], _ fit: Fit, sweeps: Int = 50) -> Fit {
        let nw = rows.numberWidth, cw = rows.categoryWidth
        var labels = fit.labels
        var sizes = [Int](repeating: 0, count: k)
        var present = [Double](repeating: 0, count: k * nw), sums = [Double](repeating: 0, count: k * nw)
        var counts: [[Int]] = (0..<(k * cw)).map { [Int](repeating: 0, count: rows.cardinalities[$0 % max(cw, 1)] + 1) }
        var most = [Int](repeating: 0, count: k * cw), atMost = [Int](repeating: 0, count: k * cw)
        func tally(_ slot: Int) {
            most[slot] = 0
            atMost[slot] = 0
            for count in counts[slot].dropFirst() {
                if count > most[slot] { (most[slot], atMost[slot]) = (count, 1) } else if count == most[slot], count > 0 { atMost[slot] += 1 }
            }
        }
        func add(_ row: Int, _ group: Int, _ sign: Int) {
            sizes[group] += sign
            for feature in 0..<nw {
                let value = rows.numbers[row * nw + feature]
                if value.isNaN { continue }
                present[group * nw + feature] += Double(sign)
                sums[group * nw + feature] += Double(sign) * value
            }
            for feature in 0..<cw {
                let code = Int(rows.categories[row * cw + feature])
                if code != 0 { counts[group * cw + feature][code] += sign }
            }
        }
        for (position, row) in members.enumerated() { add(row, Int(labels[position]), 1) }
        for slot in 0..<(k * cw) { tally(slot) }
        // The change in a group's cost when the row leaves it (sign -1) or joins it (sign +1).
        func change(_ row: Int, _ group: Int, _ sign: Double) -> Double {
            var total = 0.0
            for feature in 0..<nw {
                let value = rows.numbers[row * nw + feature]
                if value.isNaN { continue }
                let m = present[group * nw + feature]
                guard m + sign > 0, m > 0 else { continue }
                let difference = value - sums[group * nw + feature] / m
                total += sign * (sign > 0 ? m / (m + 1) : m / (m - 1)) * difference * difference
            }
            for feature in 0..<cw {
                let code = Int(rows.categories[row * cw + feature])
                guard code != 0 else { continue }
                let slot = group * cw + feature
                let count = counts[slot][code]
                // Mismatches are the present values minus the most frequent's count.
                let after = sign > 0 ? max(most[slot], count + 1) : (count == most[slot] && atMost[slot] == 1 ? most[slot] - 1 : most[slot])
                total += rows.mismatch[feature] * (sign - Double(after - most[slot]))
            }
            return total
        }
        for _ in 0..<sweeps {
            var moved = false
            for (position, row) in members.enumerated() {
                let from = Int(labels[position])
                guard sizes[from] > 1 else { continue }
                let leaving = change(row, from, -1)
                var best = from, bestChange = -1e-9
                for group in 0..<k where group != from {
                    let total = leaving + change(row, group, 1)
                    if total < bestChange { (best, bestChange) = (group, total) }
                }
                guard best != from else { continue }
                add(row, from, -1)
                add(row, best, 1)
                for feature in 0..<cw {
                    tally(from * cw + feature)
                    tally(best * cw + feature)
                }
                labels[position] = Int32(best)
                moved = true
            }
            if !moved { break }
        }
        let prototypes = update(labels, members: members, previous: fit.prototypes)
        var cost = 0.0
        for (position, row) in members.enumerated() { cost += self.cost(row, prototypes, Int(labels[position])) }
        return Fit(prototypes: prototypes, labels: labels, cost: cost)
    }

    /// The cheapest of `starts` seeded runs over `members`, each Lloyd's iterations then single moves.
    func fit(_ members: [Int], starts: Int, seed: UInt64) -> Fit {
        var random = ScenarioRandom(seed: seed)
        var best: Fit?
        for _ in 0..<max(1, starts) {
            let fit = improve(members, refine(members, from: self.seed(members, using: &random)))
            if best == nil || fit.cost < best!.cost { best = fit }
        }
        return best!
    }

    /// The k-prototypes cost between two rows (features absent in either count neither way).
    func dissimilarity(_ a: Int, _ b: Int) -> Double {
        let nw = rows.numberWidth, cw = rows.categoryWidth
        var total = 0.0
        for feature in 0..<nw {
            let x = rows.numbers[a * nw + feature], y = rows.numbers[b * nw + feature]
            if x.isNaN || y.isNaN { continue }
            total += (x - y) * (x - y)
        }
        for feature in 0..<cw {
            let x = rows.categories[a * cw + feature], y = rows.categories[b * cw + feature]
            if x != 0, y != 0, x != y { total += rows.mismatch[feature] }
        }
        return total
    }

    /// The silhouette of `labels` over `members` (at most `limit` of them, evenly spread), with the
    /// k-prototypes cost between two rows as the dissimilarity: the mean over rows of (b − a) / max(a, b),
    /// a the mean dissimilarity to its own group and b to the nearest other group. Nil with one group.
    func silhouette(_ members: [Int], labels: [Int32], limit: Int = 1_000) -> Double? {
        let step = max(1, (members.count + limit - 1) / limit)
        let chosen = stride(from: 0, to: members.count, by: step).map { ($0, members[$0]) }
        guard Set(chosen.map { labels[$0.0] }).count > 1 else { return nil }
        let scores = Parallel.map(chosen.count) { range -> [Double] in
            range.map { a in
                var sums = [Double](repeating: 0, count: k), sizes = [Int](repeating: 0, count: k)
                for b in chosen.indices where b != a {
                    let group = Int(labels[chosen[b].0])
                    sums[group] += dissimilarity(chosen[a].1, chosen[b].1)
                    sizes[group] += 1
                }
                let own = Int(labels[chosen[a].0])
                guard sizes[own] > 0 else { return 0 }
                let inside = sums[own] / Double(sizes[own])
                let outside = (0..<k).filter { $0 != own && sizes[$0] > 0 }.map { sums[$0] / Double(sizes[$0]) }.min() ?? 0
                let larger = max(inside, outside)
                return larger > 0 ? (outside - inside) / larger : 0
            }
        }.flatMap { $0 }
        return scores.reduce(0, +) / Double(scores.count)
    }
}
