import CustomerData
import JourneyModel
import JourneyStore

/// Segments: groups of customers found in their traits and their journeys, described, and the
/// personas checked against them.
///
/// The customers are those with a counted event. Each is a row of features:
/// - per trait path (`options.traits`; by default every trait the index read except names and
///   email): a number when at least 90% of the values present are numbers with three or more
///   distinct values (standardised to mean 0 and deviation 1), else a category (the 30 most
///   frequent values, the rest as one);
/// - per stage of the map, the touchpoint where the customer's counted events first met it (absent
///   when they never reached it), and the channel most of their counted events came on.
///
/// `options.segment_by` keeps the traits or the journeys alone. k-prototypes (``KPrototypes``)
/// groups the rows: a number's cost is its squared difference to the group's mean, a category's
/// is γ = 0.5 when it differs from the group's most frequent (Huang's rule: half the deviation
/// of the standardised numbers); an absent value counts neither way, so a customer who never
/// identified is grouped by their journey. With `options.k` absent, k from 2 to 8 is tried and
/// the one with the best silhouette is taken (``SegmentsResult/candidates``).
public enum SegmentsAnalysis {
    /// Categories kept per trait; less frequent values count as one.
    static let categoriesKept = 30
    /// Rows the starts are fitted on before the whole (evenly spread over the customers).
    static let sampleSize = 20_000
    /// Seeded starts per fit.
    static let starts = 10
    /// The cost of a categorical mismatch.
    static let gamma = 0.5
    /// k tried when none is given.
    static let suggestedRange = 2...8
    /// A group no persona takes half of is offered as a persona when it holds this share of the customers.
    static let offeredShare = 0.1

    /// Runs the segments analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> SegmentsResult {
        let selection = try Selection(index: index, query: query)
        let goal = try Goal(index)
        let options = query.options
        let journeys = Self.journeys(selection, goal: goal)
        let members = journeys.indices.map { journeys[$0].customer }
        let features = try Self.features(options, index: index, members: members, journeys: journeys)
        let k: Int
        var candidates: [SegmentsResult.Candidate] = []
        let sample = Self.sample(members.count)
        if let wanted = options.k {
            guard members.count >= wanted else {
                throw AnalysisError(field: "options.k", problem: "asks for \(wanted) groups but only \(members.count) customers have a counted event")
            }
            k = wanted
        } else {
            guard members.count >= 2 else {
                throw AnalysisError("segments need at least 2 customers with a counted event (found \(members.count))")
            }
            for candidate in Self.suggestedRange where candidate <= min(members.count, sample.count) {
                let engine = KPrototypes(rows: features.rows, k: candidate)
                let fit = engine.fit(sample, starts: 4, seed: UInt64(candidate))
                candidates.append(SegmentsResult.Candidate(k: candidate, cost: fit.cost, silhouette: engine.silhouette(sample, labels: fit.labels)))
            }
            k = candidates.max { ($0.silhouette ?? -2, -$0.k) < ($1.silhouette ?? -2, -$1.k) }?.k ?? 2
        }
        let engine = KPrototypes(rows: features.rows, k: k)
        var fit = engine.fit(sample, starts: Self.starts, seed: 0x5E6_0000 + UInt64(k))
        let everyone = Array(0..<members.count)
        if sample.count < members.count { fit = engine.refine(everyone, from: fit.prototypes, iterations: 30) }
        // Groups numbered by size, largest first (ties by their first customer).
        var sizes = [(size: Int, first: Int, group: Int)](repeating: (0, Int.max, 0), count: k)
        for (row, label) in fit.labels.enumerated() {
            sizes[Int(label)].size += 1
            sizes[Int(label)].first = min(sizes[Int(label)].first, row)
            sizes[Int(label)].group = Int(label)
        }
        let order = sizes.enumerated().sorted { ($1.element.size, $0.element.first) < ($0.element.size, $1.element.first) }.map(\.offset)
        var renumber = [Int32](repeating: 0, count: k)
        for (position, group) in order.enumerated() { renumber[group] = Int32(position) }
        let labels = fit.labels.map { renumber[Int($0)] }
        return Self.describe(query, index: index, selection: selection, journeys: journeys, features: features, labels: labels, k: k,
                             cost: fit.cost, candidates: candidates)
    }

    /// `count` rows evenly spread, at most ``sampleSize``.
    static func sample(_ count: Int) -> [Int] {
        guard count > sampleSize else { return Array(0..<count) }
        return (0..<sampleSize).map { $0 * count / sampleSize }
    }

    // MARK: Journeys

    /// What a customer's counted events say, for the features and the descriptions.
    struct Journey: Sendable {
        var customer: Int
        /// Per stage, the first touchpoint met in it (-1: never reached).
        var firstInStage: [Int32]
        /// The channel of most counted events.
        var channel: Int
        /// The touchpoints in time order, consecutive repeats collapsed.
        var path: [UInt16]
        /// Whether the stages come in map order (never back to an earlier stage).
        var inOrder: Bool
        var converted: Bool
    }

    static func journeys(_ selection: Selection, goal: Goal) -> [Journey] {
        let index = selection.index
        let stages = index.stageIDs.count
        return Parallel.map(index.customerCount) { customers -> [Journey] in
            var journeys: [Journey] = []
            var channelCounts = [Int](repeating: 0, count: 256)
            for customer in customers where selection.includes(customer: customer) {
                var first = [Int32](repeating: -1, count: stages)
                var path: [UInt16] = []
                var inOrder = true, latestStage = -1
                for slot in channelCounts.indices { channelCounts[slot] = 0 }
                for event in selection.events(of: customer) where !selection.filtersEvents || selection.includes(event: event) {
                    let touchpoint = index.touchpoints[event]
                    let stage = Int(index.touchpointStage[Int(touchpoint)])
                    if stage < stages, first[stage] < 0 { first[stage] = Int32(touchpoint) }
                    if stage < latestStage { inOrder = false }
                    latestStage = max(latestStage, stage)
                    if path.last != touchpoint { path.append(touchpoint) }
                    channelCounts[Int(index.channels[event])] += 1
                }
                guard !path.isEmpty else { continue }
                var channel = 0
                for slot in channelCounts.indices where channelCounts[slot] > channelCounts[channel] { channel = slot }
                journeys.append(Journey(customer: customer, firstInStage: first, channel: channel, path: path, inOrder: inOrder,
                                        converted: goal.reached(customer, selection)))
            }
            return journeys
        }.flatMap { $0 }
    }

    // MARK: Features

    /// The rows and what each column is.
    struct Features: Sendable {
        var rows: MixedRows
        var described: [SegmentsResult.Feature]
        /// Numeric trait columns: path, mean and deviation (for descriptions in the trait's units).
        var numberTraits: [(path: String, mean: Double, deviation: Double)]
        /// Categorical trait columns: path and the value of each code (last: the other values).
        var categoryTraits: [(path: String, values: [String])]
    }

    static func features(_ options: Options, index: JourneyIndex, members: [Int], journeys: [Journey]) throws(AnalysisError) -> Features {
        let useTraits = options.segmentBy != .journeys, useJourneys = options.segmentBy != .traits
        let paths = options.traits.isEmpty ? index.traits.keys.sorted().filter { !CustomerNames.traitPaths.contains($0) } : options.traits
        if useTraits, paths.isEmpty, !useJourneys {
            throw AnalysisError(field: "options.traits", problem: "names no trait to group by; give trait paths such as 'plan' or 'profile.age_band'")
        }
        var numberColumns: [[Double]] = [], categoryColumns: [[UInt32]] = [], cardinalities: [Int] = []
        var described: [SegmentsResult.Feature] = []
        var numberTraits: [(String, Double, Double)] = [], categoryTraits: [(String, [String])] = []
        // Named traits whose values are all the same tell no customers apart.
        var skipped: [String] = []
        if useTraits {
            for path in paths {
                guard let column = index.traits[path] else {
                    throw AnalysisError(field: "options.traits", problem: "names '\(path.prefix(80))', a trait the index did not read; build it from the same query")
                }
                var counts = [Int](repeating: 0, count: column.values.count)
                for customer in members { counts[Int(column.codes[customer])] += 1 }
                let present = counts.dropFirst().reduce(0, +)
                if present == 0, !options.traits.isEmpty {
                    throw AnalysisError(field: "options.traits", problem: "names '\(path.prefix(80))', a trait no customer with a counted event has; check the path (traits are read as the store holds them, such as 'plan' or 'profile.age_band')")
                }
                guard present > 0 else { continue }
                let numbers = column.values.map { Double($0) }.map { $0.flatMap { $0.isFinite ? $0 : nil } }
                let numeric = zip(numbers, counts).dropFirst().reduce(0) { $0 + ($1.0 != nil ? $1.1 : 0) }
                let distinct = numbers.dropFirst().indices.filter { numbers[$0] != nil && counts[$0] > 0 }.count
                if Double(numeric) >= 0.9 * Double(present), distinct >= 3 {
                    // Values are scaled by the largest first, so the mean and deviation of numbers near
                    // the limits of a double do not overflow.
                    let scale = numbers.lazy.compactMap { $0.map(abs) }.max() ?? 1
                    var estimate = MeanEstimate()
                    for (code, count) in counts.enumerated() where code > 0 && count > 0 {
                        if let value = numbers[code] { for _ in 0..<count { estimate.add(value / scale) } }
                    }
                    let deviation = estimate.standardDeviation ?? 0
                    guard deviation > 0, deviation.isFinite else {
                        skipped.append(path)
                        continue
                    }
                    numberColumns.append(members.map { customer in
                        numbers[Int(column.codes[customer])].map { ($0 / scale - estimate.mean) / deviation } ?? .nan
                    })
                    numberTraits.append((path, estimate.mean * scale, deviation * scale))
                    described.append(SegmentsResult.Feature(name: path, source: "trait", kind: "number"))
                } else {
                    let ranked = counts.indices.dropFirst().filter { counts[$0] > 0 }.sorted { (counts[$1], $0) < (counts[$0], $1) }
                    var code = [UInt32](repeating: 0, count: column.values.count)
                    for (rank, value) in ranked.enumerated() { code[value] = UInt32(min(rank, Self.categoriesKept) + 1) }
                    categoryColumns.append(members.map { code[Int(column.codes[$0])] })
                    var values = ranked.prefix(Self.categoriesKept).map { column.values[$0] }
                    if ranked.count > Self.categoriesKept { values.append("(other values)") }
                    cardinalities.append(values.count)
                    categoryTraits.append((path, values))
                    described.append(SegmentsResult.Feature(name: path, source: "trait", kind: "category"))
                }
            }
        }
        if useJourneys {
            for (stage, id) in index.stageIDs.enumerated() {
                categoryColumns.append(journeys.map { UInt32(bitPattern: $0.firstInStage[stage] + 1) })
                cardinalities.append(index.touchpointIDs.count)
                described.append(SegmentsResult.Feature(name: "first touchpoint in \(id)", source: "journey", kind: "category"))
            }
            categoryColumns.append(journeys.map { UInt32($0.channel + 1) })
            cardinalities.append(256)
            described.append(SegmentsResult.Feature(name: "main channel", source: "journey", kind: "category"))
        }
        guard !numberColumns.isEmpty || !categoryColumns.isEmpty else {
            if !skipped.isEmpty {
                throw AnalysisError(field: "options.traits", problem: "names traits whose numbers are the same for every customer (\(skipped.prefix(5).map { String($0.prefix(80)) }.joined(separator: ", "))), so they tell no customers apart")
            }
            throw AnalysisError(field: "options.traits", problem: "names traits no customer with a counted event has (\(paths.prefix(5).map { String($0.prefix(80)) }.joined(separator: ", ")))")
        }
        var numbers = [Double](repeating: 0, count: members.count * numberColumns.count)
        var categories = [UInt32](repeating: 0, count: members.count * categoryColumns.count)
        for row in members.indices {
            for (feature, column) in numberColumns.enumerated() { numbers[row * numberColumns.count + feature] = column[row] }
            for (feature, column) in categoryColumns.enumerated() { categories[row * categoryColumns.count + feature] = column[row] }
        }
        let rows = MixedRows(count: members.count, numbers: numbers, numberWidth: numberColumns.count, categories: categories,
                             categoryWidth: categoryColumns.count, cardinalities: cardinalities,
                             mismatch: [Double](repeating: Self.gamma, count: categoryColumns.count))
        return Features(rows: rows, described: described, numberTraits: numberTraits, categoryTraits: categoryTraits)
    }

    // MARK: Descriptions

    static func describe(_ query: AnalysisQuery, index: JourneyIndex, selection: Selection, journeys: [Journey], features: Features, labels: [Int32],
                         k: Int, cost: Double, candidates: [SegmentsResult.Candidate]) -> SegmentsResult {
        let total = journeys.count
        let rows = features.rows
        var sizes = [Int](repeating: 0, count: k), converted = [Int](repeating: 0, count: k)
        for (row, label) in labels.enumerated() {
            sizes[Int(label)] += 1
            if journeys[row].converted { converted[Int(label)] += 1 }
        }
        let allConverted = converted.reduce(0, +)
        // Measured emotion per group, from the survey answers of its customers.
        var rowOf = [Int32](repeating: -1, count: index.customerCount)
        for (row, journey) in journeys.enumerated() { rowOf[journey.customer] = Int32(row) }
        var emotions = [MeanEstimate](repeating: MeanEstimate(), count: k)
        let scale = FeedbackScale(index.journey.emotionScale)
        let scorer = SentimentScorer()
        for answer in index.feedback where answer.customer >= 0 && Int(answer.customer) < rowOf.count {
            let row = Int(rowOf[Int(answer.customer)])
            guard row >= 0, let metric = Feedback.Metric(rawValue: answer.metric) else { continue }
            if let from = selection.from, answer.timestamp < from { continue }
            if let to = selection.to, answer.timestamp >= to { continue }
            let value = metric == .text ? answer.text.flatMap { scale.emotion(compound: scorer.score($0).compound) }
                : answer.score.flatMap { scale.emotion(score: $0, metric: metric) }
            if let value { emotions[Int(labels[row])].add(value) }
        }
        let personaSlots = index.personaIDs.count + 1
        func slot(_ customer: Int) -> Int {
            let persona = index.personas[customer]
            return persona == JourneyIndex.noPersona ? personaSlots - 1 : Int(persona)
        }
        func personaID(_ slot: Int) -> String { slot < index.personaIDs.count ? index.personaIDs[slot] : "none" }
        var groupPersonas = [[Int]](repeating: [Int](repeating: 0, count: personaSlots), count: k)
        for (row, label) in labels.enumerated() { groupPersonas[Int(label)][slot(journeys[row].customer)] += 1 }

        // The traits that set each group apart.
        let nw = rows.numberWidth, cw = rows.categoryWidth
        func traits(of group: Int) -> [SegmentsResult.TraitValue] {
            var found: [SegmentsResult.TraitValue] = []
            for (feature, trait) in features.categoryTraits.enumerated() {
                var inGroup = [Int](repeating: 0, count: trait.values.count + 1), overall = inGroup
                for row in 0..<total {
                    let code = Int(rows.categories[row * cw + feature])
                    guard code != 0 else { continue }
                    overall[code] += 1
                    if labels[row] == Int32(group) { inGroup[code] += 1 }
                }
                let groupPresent = inGroup.reduce(0, +), allPresent = overall.reduce(0, +)
                guard groupPresent > 0, allPresent > 0 else { continue }
                for code in 1...trait.values.count {
                    let share = Double(inGroup[code]) / Double(groupPresent), overallShare = Double(overall[code]) / Double(allPresent)
                    if share >= 0.3, share - overallShare >= 0.15 {
                        found.append(SegmentsResult.TraitValue(path: trait.path, value: trait.values[code - 1], share: share, overallShare: overallShare))
                    }
                }
            }
            for (feature, trait) in features.numberTraits.enumerated() {
                var estimate = MeanEstimate()
                for row in 0..<total where labels[row] == Int32(group) { estimate.add(rows.numbers[row * nw + feature]) }
                guard estimate.count > 0, abs(estimate.mean) >= 0.5 else { continue }
                found.append(SegmentsResult.TraitValue(path: trait.path, mean: trait.mean + estimate.mean * trait.deviation, overallMean: trait.mean))
            }
            return found.sorted { ($0.lift, $1.path) > ($1.lift, $0.path) }
        }

        let groupRows: [[Int]] = (0..<k).map { group in labels.indices.filter { labels[$0] == Int32(group) } }
        let allRows = Array(0..<total)
        let overallStages = Self.stages(allRows, journeys, index)
        var groups: [SegmentsResult.Group] = []
        for group in 0..<k {
            let members = groupRows[group]
            var channels = [Int](repeating: 0, count: 256)
            for row in members { channels[journeys[row].channel] += 1 }
            let topChannels = channels.indices.filter { channels[$0] > 0 }.sorted { (channels[$1], $0) < (channels[$0], $1) }.prefix(3).map {
                SegmentsResult.Share(id: $0 < index.channelNames.count ? index.channelNames[$0] : Self.otherChannels, share: Double(channels[$0]) / Double(max(members.count, 1)))
            }
            groups.append(SegmentsResult.Group(
                id: "group-\(group + 1)", customers: sizes[group], share: Double(sizes[group]) / Double(max(total, 1)), converted: converted[group],
                conversion: sizes[group] > 0 ? Double(converted[group]) / Double(sizes[group]) : nil,
                emotion: emotions[group].count > 0 ? emotions[group].mean : nil, answers: emotions[group].count, traits: traits(of: group),
                stages: Self.stages(members, journeys, index), typicalPath: Self.typicalPath(members, journeys, index), channels: Array(topChannels),
                personas: Dictionary(uniqueKeysWithValues: (0..<personaSlots).filter { groupPersonas[group][$0] > 0 }.map { (personaID($0), groupPersonas[group][$0]) })))
        }

        // Each persona against the groups.
        var personaRows = [[Int]](repeating: [], count: personaSlots)
        for (row, journey) in journeys.enumerated() { personaRows[slot(journey.customer)].append(row) }
        let designed = Set(index.journey.personas)
        let personas: [SegmentsResult.PersonaFit] = (0..<personaSlots).compactMap { persona in
            let members = personaRows[persona]
            guard !members.isEmpty || persona < index.personaIDs.count else { return nil }
            var inGroups = [Int](repeating: 0, count: k)
            for row in members { inGroups[Int(labels[row])] += 1 }
            let best = inGroups.indices.max { (inGroups[$0], -$0) < (inGroups[$1], -$1) } ?? 0
            let stages = Self.stages(members, journeys, index)
            let differences = zip(stages, overallStages).filter { abs($0.reached - $1.reached) >= 0.15 }.map { persona, all in
                SegmentsResult.StageDifference(stage: persona.stage, reached: persona.reached, overall: all.reached)
            }
            let convertedCount = members.filter { journeys[$0].converted }.count
            return SegmentsResult.PersonaFit(
                id: personaID(persona), customers: members.count, group: members.isEmpty ? nil : "group-\(best + 1)",
                fit: members.isEmpty ? nil : Double(inGroups[best]) / Double(members.count),
                groups: Dictionary(uniqueKeysWithValues: (0..<k).filter { inGroups[$0] > 0 }.map { ("group-\($0 + 1)", inGroups[$0]) }),
                conversion: members.isEmpty ? nil : Double(convertedCount) / Double(members.count),
                inMapOrder: members.isEmpty ? nil : Double(members.filter { journeys[$0].inOrder }.count) / Double(members.count),
                stages: stages, differences: differences, typicalPath: Self.typicalPath(members, journeys, index),
                onMap: designed.contains(personaID(persona)))
        }

        // Large groups no persona takes half of, offered as personas.
        let minimum = max(query.options.minimumCustomers, Int((Self.offeredShare * Double(total)).rounded(.up)))
        var taken = Set(index.personaIDs)
        let offered: [SegmentsResult.Offer] = groups.enumerated().compactMap { group, description in
            let named = (0..<index.personaIDs.count).map { groupPersonas[group][$0] }.max() ?? 0
            guard description.customers >= minimum, Double(named) < 0.5 * Double(description.customers) else { return nil }
            var id = "segment-\(group + 1)", suffix = 2
            while taken.contains(id) { id = "segment-\(group + 1)-\(suffix)"; suffix += 1 }
            taken.insert(id)
            let persona = Self.persona(id: id, group: description, overallConversion: total > 0 ? Double(allConverted) / Double(total) : 0, index: index)
            return SegmentsResult.Offer(group: description.id, persona: id, name: persona.name, document: WorkspaceCodec.text(persona, syntax: .yaml))
        }
        return SegmentsResult(k: k, suggested: query.options.k == nil, candidates: candidates, gamma: Self.gamma, cost: cost, features: features.described,
                              customers: total, converted: allConverted, groups: groups, personas: personas, offered: offered,
                              assignments: query.options.assignments ? Self.assignments(labels, journeys, index, options: query.options) : nil,
                              offset: query.options.assignments ? query.options.offset ?? 0 : nil, limit: query.options.assignments ? query.options.limit : nil)
    }

    /// A page of the customers' groups (`offset`, `limit`), in the order of the customers.
    static func assignments(_ labels: [Int32], _ journeys: [Journey], _ index: JourneyIndex, options: Options) -> [SegmentsResult.Assignment] {
        let start = min(labels.count, options.offset ?? 0)
        let end = min(labels.count, start + min(options.limit ?? labels.count, labels.count - start))
        return (start..<end).map { row in
            SegmentsResult.Assignment(customer: CustomerID.text(index.customers[journeys[row].customer]), group: "group-\(Int(labels[row]) + 1)")
        }
    }

    /// Per stage: the share of `members` who reached it and their most frequent first touchpoint there.
    static func stages(_ members: [Int], _ journeys: [Journey], _ index: JourneyIndex) -> [SegmentsResult.StageUse] {
        index.stageIDs.enumerated().map { stage, id in
            var counts: [Int32: Int] = [:]
            for row in members where journeys[row].firstInStage[stage] >= 0 { counts[journeys[row].firstInStage[stage], default: 0] += 1 }
            let reached = counts.values.reduce(0, +)
            let top = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }
            return SegmentsResult.StageUse(stage: id, reached: members.isEmpty ? 0 : Double(reached) / Double(members.count),
                                           touchpoint: top.map { index.touchpointIDs[Int($0.key)] },
                                           touchpointShare: top.map { Double($0.value) / Double(reached) })
        }
    }

    /// The most frequent path (touchpoints, repeats collapsed) of `members`, with its share.
    static func typicalPath(_ members: [Int], _ journeys: [Journey], _ index: JourneyIndex) -> SegmentsResult.Path? {
        var counts: [[UInt16]: Int] = [:]
        for row in members { counts[journeys[row].path, default: 0] += 1 }
        // The most customers; among as many, the path that sorts first.
        guard let top = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $1.key.lexicographicallyPrecedes($0.key) }) else { return nil }
        return SegmentsResult.Path(touchpoints: top.key.map { index.touchpointIDs[Int($0)] }, customers: top.value,
                                   share: Double(top.value) / Double(members.count))
    }

    /// A persona document for a group: a name from the traits that set it apart, a rule from them,
    /// its channels, and what the data says of it.
    static func persona(id: String, group: SegmentsResult.Group, overallConversion: Double, index: JourneyIndex) -> Persona {
        var conditions: [FieldCondition] = []
        var used = Set<String>()
        // Only conditions a workspace accepts: paths and values within the format's limits; a text
        // value as `eq`, which takes it literally (a plain value with * or ? would be a pattern).
        for trait in group.traits where !used.contains(trait.path) && trait.path.count <= TextLimit.key {
            if let value = trait.value, let share = trait.share, share >= 0.6, value != "(other values)", value.count <= TextLimit.value {
                let scalar = Self.scalar(value)
                if case .string = scalar {
                    conditions.append(FieldCondition(path: trait.path, condition: .comparison(.eq, scalar)))
                } else {
                    conditions.append(FieldCondition(path: trait.path, condition: .equals(scalar)))
                }
                used.insert(trait.path)
            } else if let mean = trait.mean, let overall = trait.overallMean, mean.isFinite, overall.isFinite {
                let bound = (mean + overall) / 2
                conditions.append(FieldCondition(path: trait.path, condition: .comparison(mean > overall ? .gte : .lt, .number((bound * 100).rounded() / 100))))
                used.insert(trait.path)
            }
        }
        let described = group.traits.prefix(2).map { trait in
            String((trait.value.map { "\(trait.path) \($0)" } ?? "\(trait.path) about \(Self.rounded(trait.mean ?? 0))").prefix(50))
        }
        let name = described.isEmpty ? "Customers of \(group.id)" : "Customers with " + described.joined(separator: " and ")
        func percent(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded()))%" } ?? "n/a" }
        var background = "\(group.customers) customers (\(percent(group.share)) of those with a counted event) that no persona of the workspace takes half of. "
        background += "They convert at \(percent(group.conversion)), against \(percent(overallConversion)) over all customers."
        if let path = group.typicalPath { background += " Their most frequent journey: \(path.touchpoints.prefix(20).joined(separator: " → "))." }
        let channels = group.channels.filter { $0.share >= 0.2 && $0.id != Self.otherChannels && $0.id.count <= TextLimit.name }.map(\.id)
        var persona = Persona(id: id, name: String(name.prefix(TextLimit.name)), background: String(background.prefix(TextLimit.description)),
                              channels: channels, match: conditions.isEmpty ? nil : PersonaMatch(traits: conditions))
        // What the workspace would refuse is left out rather than written: the rule, then the channels.
        func valid(_ persona: Persona) -> Bool {
            !WorkspaceValidator.validate(Workspace(personas: [persona]), sourceMap: SourceMap(defaultFile: "\(id).yaml")).contains { $0.severity == .error }
        }
        if !valid(persona) { persona.match = nil }
        if !valid(persona) { persona.channels = [] }
        return persona
    }

    /// The channel of customers whose main channel is past the 255 the index names.
    static let otherChannels = "(other channels)"

    static func scalar(_ text: String) -> ScalarValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }

    static func rounded(_ value: Double) -> String { NumberFormat.canonical((value * 10).rounded() / 10) }
}
