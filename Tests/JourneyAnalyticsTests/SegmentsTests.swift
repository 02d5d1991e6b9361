import CustomerData
import Foundation
@testable import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// Segments: k-prototypes against the exact optimum of small fixtures found by trying every
/// grouping, and the whole analysis against the groups a generated scenario planted.
@Suite("Segments")
struct SegmentsTests {
    /// The k-prototypes cost of a grouping, computed directly: squared distances to each group's
    /// means plus γ for every category unlike the group's most frequent (absent values skipped).
    static func cost(_ rows: MixedRows, labels: [Int], k: Int) -> Double {
        var total = 0.0
        for group in 0..<k {
            let members = labels.indices.filter { labels[$0] == group }
            for feature in 0..<rows.numberWidth {
                let values = members.map { rows.numbers[$0 * rows.numberWidth + feature] }.filter { !$0.isNaN }
                guard !values.isEmpty else { continue }
                let mean = values.reduce(0, +) / Double(values.count)
                total += values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            }
            for feature in 0..<rows.categoryWidth {
                let codes = members.map { rows.categories[$0 * rows.categoryWidth + feature] }.filter { $0 != 0 }
                let most = Dictionary(codes.map { ($0, 1) }, uniquingKeysWith: +).values.max() ?? 0
                total += rows.mismatch[feature] * Double(codes.count - most)
            }
        }
        return total
    }

    /// The adjusted Rand index (Hubert and Arabie) of two labelings.
    static func adjustedRand(_ a: [String], _ b: [String]) -> Double {
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        var table: [String: Int] = [:], rows: [String: Int] = [:], columns: [String: Int] = [:]
        for (x, y) in zip(a, b) {
            table["\(x)\u{1F}\(y)", default: 0] += 1
            rows[x, default: 0] += 1
            columns[y, default: 0] += 1
        }
        let index = table.values.reduce(0) { $0 + pairs($1) }
        let rowSum = rows.values.reduce(0) { $0 + pairs($1) }, columnSum = columns.values.reduce(0) { $0 + pairs($1) }
        let expected = rowSum * columnSum / pairs(a.count), maximum = (rowSum + columnSum) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }

    @Test("k-prototypes finds the cheapest grouping of small mixed rows, absent values included, as trying every grouping does", arguments: [2, 3])
    func exactOptimum(k: Int) {
        var random = SplitMix64(seed: 99 + UInt64(k))
        for _ in 0..<20 {
            let count = 9
            let numbers = (0..<(count * 2)).map { _ in random.below(10) == 0 ? Double.nan : Double(random.below(100)) / 10 }
            let categories = (0..<(count * 2)).map { _ in UInt32(random.below(4)) }
            let rows = MixedRows(count: count, numbers: numbers, numberWidth: 2, categories: categories, categoryWidth: 2, cardinalities: [3, 3],
                                 mismatch: [0.5, 2])
            let fit = KPrototypes(rows: rows, k: k).fit(Array(0..<count), starts: 30, seed: 5)
            // Every grouping into k non-empty groups.
            var best = Double.infinity
            var labels = [Int](repeating: 0, count: count)
            func walk(_ position: Int) {
                if position == count {
                    if Set(labels).count == k { best = min(best, Self.cost(rows, labels: labels, k: k)) }
                    return
                }
                for group in 0..<k { labels[position] = group; walk(position + 1) }
            }
            walk(0)
            let found = fit.labels.map(Int.init)
            #expect(abs(Self.cost(rows, labels: found, k: k) - fit.cost) < 1e-9, "the fit's cost is its grouping's cost")
            #expect(abs(fit.cost - best) < 1e-9, "k-prototypes \(fit.cost) against the optimum \(best)")
        }
    }

    /// A retail scenario with three planted groups, imported, and an index reading their traits.
    static func planted(customers: Int = 3000) throws -> (StoreFixture, JourneyIndex, AnalysisQuery) {
        let fixture = try StoreFixture.generated(ScenarioGenerator(template: .retail, customers: customers, seed: 7, groups: 3))
        var options = Options()
        options.traits = ["market.region", "market.tier", "market.yearly_spend"]
        options.k = 3
        options.assignments = true
        let query = AnalysisQuery(kind: .segments, journey: fixture.journey.id, options: options)
        let index = try IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: IndexRequest(queries: [query])).build(from: fixture.store.data)
        return (fixture, index, query)
    }

    /// Each index customer's planted label and group, through the stored identifiers.
    static func plantedGroups(_ fixture: StoreFixture) throws -> [String: String] {
        let data = fixture.directory.path("data")
        let planted = try PlantedCustomers(file: "\(data)/\(ScenarioWriter.identifiersFile)")
        var groupOf: [String: String] = [:]
        for line in try String(contentsOfFile: "\(data)/\(ScenarioWriter.groupsFile)", encoding: .utf8).split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",").map(String.init)
            groupOf[parts[0]] = parts[1]
        }
        let numbers = try fixture.customerNumbers()
        var result: [String: String] = [:]
        for (label, identifiers) in planted.identifiers {
            guard let number = identifiers.lazy.compactMap({ numbers[$0] }).first, let group = groupOf[label] else { continue }
            result["cus_\(number)"] = group
        }
        return result
    }

    @Test("the groups found in traits and journeys agree with the planted ones (adjusted Rand index at least 0.9 over customers with traits); each persona's fit and each offer follow from the assignments")
    func plantedGroups() throws {
        let (fixture, index, query) = try Self.planted()
        let truth = try #require(fixture.truth?.groups)
        let planted = try Self.plantedGroups(fixture)
        for segmentBy in [Options.SegmentBy.both, .traits] {
            var asked = query
            asked.options.segmentBy = segmentBy
            let result = try #require(try Analyzer.run(asked, on: index).segments)
            let assignments = try #require(result.assignments)
            #expect(assignments.count == result.customers)
            #expect(result.groups.map(\.customers).reduce(0, +) == result.customers)
            // Customers with traits: those whose index row holds the planted region.
            let region = try #require(index.traits["market.region"])
            let position = Dictionary(uniqueKeysWithValues: index.customers.enumerated().map { ("cus_\($0.element)", $0.offset) })
            let known = assignments.filter { region.value(of: position[$0.customer]!) != nil }
            let rand = Self.adjustedRand(known.map(\.group), known.map { planted[$0.customer]! })
            #expect(rand >= 0.9, "adjusted Rand index \(rand) over \(known.count) customers with traits (\(segmentBy))")
            #expect(known.count > result.customers * 3 / 4)

            // Each group's main planted group has the region truth.json gives it, and it is named.
            for group in result.groups {
                let members = assignments.filter { $0.group == group.id }.map { planted[$0.customer]! }
                let main = Dictionary(members.map { ($0, 1) }, uniquingKeysWith: +).max { $0.value < $1.value }!.key
                let plantedGroup = try #require(truth.first { $0.id == main })
                #expect(group.traits.contains { $0.path == "market.region" && $0.value == plantedGroup.region })
            }
            // Persona fit recomputed from the assignments and the index's personas.
            for persona in result.personas where persona.customers > 0 {
                let slot = persona.id == "none" ? JourneyIndex.noPersona : UInt8(index.personaIDs.firstIndex(of: persona.id)!)
                let mine = assignments.filter { index.personas[position[$0.customer]!] == slot }
                #expect(mine.count == persona.customers)
                let counts = Dictionary(mine.map { ($0.group, 1) }, uniquingKeysWith: +)
                #expect(counts == persona.groups)
                #expect(abs((persona.fit ?? 0) - Double(counts.values.max()!) / Double(mine.count)) < 1e-12)
            }
            // The planted groups cut across the personas: no persona takes half of any group, so all three are offered,
            // each a persona document that decodes with a rule on the group's region.
            #expect(result.offered.count == 3)
            for offer in result.offered {
                let decoded = WorkspaceCodec.decode(Array(offer.document.utf8), file: "\(offer.persona).yaml", content: .persona(index: 0))
                let persona = try #require(decoded.workspace?.personas.first, "\(decoded.diagnostics)")
                #expect(persona.id == offer.persona)
                let group = try #require(result.groups.first { $0.id == offer.group })
                let region = try #require(group.traits.first { $0.path == "market.region" }?.value)
                if segmentBy == .traits || persona.match != nil {
                    #expect(persona.match?.traits.contains { $0.path == "market.region" && $0.condition == .comparison(.eq, .string(region)) } == true)
                }
            }
        }
    }

    @Test("without k the silhouette picks the planted three; the reported cost is the cost of the grouping")
    func suggestedK() throws {
        let (_, index, query) = try Self.planted(customers: 1500)
        var asked = query
        asked.options.k = nil
        let result = try #require(try Analyzer.run(asked, on: index).segments)
        #expect(result.suggested)
        #expect(result.k == 3, "\(result.candidates)")
        #expect(result.candidates.map(\.k) == Array(2...8))
    }

    @Test("options out of range or naming traits no customer has are refused, naming the field")
    func refusals() throws {
        let (_, index, query) = try Self.planted(customers: 200)
        var asked = query
        asked.options.k = 21
        #expect(throws: AnalysisError.self) { try Analyzer.run(asked, on: index) }
        asked.options.k = 3
        asked.options.traits = ["market.nothing"]
        let unread = #expect(throws: AnalysisError.self) { try Analyzer.run(asked, on: index) }
        #expect(unread?.description.contains("options.traits") == true)
        asked.options.traits = Array(repeating: "a", count: 51)
        #expect(throws: AnalysisError.self) { try Analyzer.run(asked, on: index) }
        asked.options.traits = ["a\u{0}b"]
        #expect(throws: AnalysisError.self) { try Analyzer.run(asked, on: index) }
    }

    /// Tiny customers with a trait `plan` (text) and `score` (number), each with a journey.
    static func tiny(plans: [String], scores: [String]) throws -> (JourneyIndex, AnalysisQuery) {
        var events: [TinyJourney.Event] = []
        for customer in 0..<plans.count {
            events.append(TinyJourney.Event(customer: "c\(customer)", name: "A1", second: customer * 60))
            events.append(TinyJourney.Event(customer: "c\(customer)", name: customer % 2 == 0 ? "B1" : "A2", second: customer * 60 + 30))
            events.append(TinyJourney.Event(customer: "c\(customer)", name: "id", second: customer * 60 + 40,
                                            traits: ["plan": plans[customer], "score": scores[customer % scores.count]]))
        }
        var options = Options()
        options.traits = ["plan", "score"]
        options.segmentBy = .traits
        options.k = 2
        options.assignments = true
        let query = AnalysisQuery(kind: .segments, journey: "tiny", options: options)
        return (try TinyJourney.index(events, request: IndexRequest(queries: [query]), in: TemporaryDirectory()), query)
    }

    @Test("offered persona documents are valid workspace files: a text value is taken literally (eq), values and paths past the format's limits are left out of the rule")
    func offeredDocumentsValidate() throws {
        let long = String(repeating: "x", count: 2_100)
        for (first, second) in [("[beta", "*gold?"), (long, "plain")] {
            var (index, query) = try Self.tiny(plans: Array(repeating: first, count: 30) + Array(repeating: second, count: 30), scores: ["1", "2", "3"])
            query.options.traits = ["plan"]
            let result = try #require(try Analyzer.run(query, on: index).segments)
            #expect(result.offered.count == 2, "\(result.groups.map(\.traits))")
            for offer in result.offered {
                let decoded = WorkspaceCodec.decode(Array(offer.document.utf8), file: "\(offer.persona).yaml", content: .persona(index: 0))
                let persona = try #require(decoded.workspace?.personas.first, "\(decoded.diagnostics)")
                let problems = WorkspaceValidator.validate(Workspace(personas: [persona]), sourceMap: decoded.sourceMap).filter { $0.severity == .error }
                #expect(problems.isEmpty, "\(problems)")
                for condition in persona.match?.traits ?? [] where condition.path == "plan" {
                    if case .comparison(.eq, .string(let value)) = condition.condition { #expect(value.count <= 2_000) } else {
                        Issue.record("a text value is written as eq: \(condition)")
                    }
                }
            }
            let planRules = result.offered.compactMap { offer in
                WorkspaceCodec.decode(Array(offer.document.utf8), file: "o.yaml", content: .persona(index: 0)).workspace?.personas.first?.match
            }.filter { $0.traits.contains { $0.path == "plan" } }
            #expect(planRules.count == (first == long ? 1 : 2), "the long value makes no rule on plan; the others do: \(result.offered.map(\.document))")
        }
    }

    @Test("numbers near the limits of a double still make a feature (scaled before their mean and deviation)")
    func extremeNumbers() throws {
        let (index, query) = try Self.tiny(plans: Array(repeating: "a", count: 30), scores: ["1e308", "-1e308", "0", "1.7e308", "5"])
        var asked = query
        asked.options.traits = ["score"]
        let result = try #require(try Analyzer.run(asked, on: index).segments)
        #expect(result.features.map(\.name) == ["score"] && result.features[0].kind == "number")
        #expect(result.cost.isFinite && result.groups.allSatisfy { $0.traits.allSatisfy { ($0.mean ?? 0).isFinite } })
    }

    @Test("assignments come a page at a time (offset, limit), the page of the whole list")
    func assignmentPages() throws {
        let (index, query) = try Self.tiny(plans: (0..<60).map { $0 < 30 ? "a" : "b" }, scores: ["1", "2", "3"])
        let all = try #require(try Analyzer.run(query, on: index).segments?.assignments)
        #expect(all.count == 60)
        var paged = query
        paged.options.offset = 25
        paged.options.limit = 10
        let page = try #require(try Analyzer.run(paged, on: index).segments)
        #expect(page.assignments == Array(all[25..<35]) && page.offset == 25 && page.limit == 10 && page.customers == 60)
        paged.options.offset = 58
        #expect(try Analyzer.run(paged, on: index).segments?.assignments == Array(all[58...]))
    }

    @Test("every number describing a group and a persona equals a recount from the exported journeys, the survey answers and the assignments: sizes, conversion, measured emotion, stages reached and where, typical paths, trait shares and means, map order")
    func descriptionsRecounted() throws {
        let (fixture, index, query) = try Self.planted(customers: 1500)
        let result = try #require(try Analyzer.run(query, on: index).segments)
        let assignments = try #require(result.assignments)
        let journeys = Dictionary(uniqueKeysWithValues: ExportedJourney.all(index).map { ($0.id, $0) })
        let map = fixture.journey
        let stageOf = Dictionary(uniqueKeysWithValues: map.touchpoints.map { ($0.id, $0.stage) })
        let stageRank = Dictionary(uniqueKeysWithValues: map.stages.enumerated().map { ($1.id, $0) })
        let goal = try #require(map.goal)
        let position = Dictionary(uniqueKeysWithValues: index.customers.enumerated().map { ("cus_\($0.element)", $0.offset) })
        func close(_ a: Double?, _ b: Double?) -> Bool { a == nil && b == nil || (a != nil && b != nil && abs(a! - b!) < 1e-9) }
        func collapsed(_ path: [String]) -> [String] { path.reduce(into: []) { if $0.last != $1 { $0.append($1) } } }
        for group in result.groups {
            let members = assignments.filter { $0.group == group.id }.map { journeys[$0.customer]! }
            #expect(members.count == group.customers)
            #expect(group.converted == members.filter { $0.touchpoints.contains(goal) }.count)
            for use in group.stages {
                let firsts = members.compactMap { member in member.touchpoints.first { stageOf[$0] == use.stage } }
                #expect(close(use.reached, Double(firsts.count) / Double(members.count)), "\(group.id) \(use.stage)")
                let counts = Dictionary(firsts.map { ($0, 1) }, uniquingKeysWith: +)
                if let touchpoint = use.touchpoint {
                    #expect(counts[touchpoint] == counts.values.max(), "\(group.id) \(use.stage): the most frequent first touchpoint")
                    #expect(close(use.touchpointShare, Double(counts[touchpoint]!) / Double(firsts.count)))
                }
            }
            // Measured emotion: every survey answer of the group's customers on the map's scale,
            // each metric's range laid linearly onto it (CES reversed), text through its sentiment.
            let ids = Set(members.map(\.customer))
            let scale = map.emotionScale
            var emotions: [Double] = []
            for answer in index.feedback where ids.contains(Int(answer.customer)) {
                let position: Double?
                switch answer.metric {
                case "nps": position = answer.score.map { $0 / 10 }
                case "csat": position = answer.score.map { ($0 - 1) / 4 }
                case "ces": position = answer.score.map { (7 - $0) / 6 }
                case "text": position = answer.text.map { (SentimentScorer().score($0).compound + 1) / 2 }
                default: position = nil
                }
                if let position { emotions.append(scale.min + min(max(position, 0), 1) * (scale.max - scale.min)) }
            }
            #expect(group.answers == emotions.count, "\(group.id)")
            #expect(close(group.emotion, emotions.isEmpty ? nil : emotions.reduce(0, +) / Double(emotions.count)), "\(group.id)")
            let paths = Dictionary(members.map { (collapsed($0.touchpoints), 1) }, uniquingKeysWith: +)
            let typical = try #require(group.typicalPath)
            #expect(paths[typical.touchpoints] == paths.values.max() && typical.customers == paths.values.max())
            #expect(close(typical.share, Double(typical.customers) / Double(members.count)))
            for trait in group.traits {
                let column = try #require(index.traits[trait.path])
                let everyone = assignments.compactMap { column.value(of: position[$0.customer]!) }
                let mine = assignments.filter { $0.group == group.id }.compactMap { column.value(of: position[$0.customer]!) }
                if let value = trait.value {
                    #expect(close(trait.share, Double(mine.filter { $0 == value }.count) / Double(mine.count)), "\(group.id) \(trait.path)")
                    #expect(close(trait.overallShare, Double(everyone.filter { $0 == value }.count) / Double(everyone.count)))
                } else {
                    let numbers = mine.compactMap(Double.init), all = everyone.compactMap(Double.init)
                    #expect(abs(trait.mean! - numbers.reduce(0, +) / Double(numbers.count)) < 1e-6 * max(1, abs(trait.mean!)), "\(group.id) \(trait.path)")
                    #expect(abs(trait.overallMean! - all.reduce(0, +) / Double(all.count)) < 1e-6 * max(1, abs(trait.overallMean!)))
                }
            }
        }
        for persona in result.personas where persona.customers > 0 {
            let slot = persona.id == "none" ? JourneyIndex.noPersona : UInt8(index.personaIDs.firstIndex(of: persona.id)!)
            let members = assignments.filter { index.personas[position[$0.customer]!] == slot }.map { journeys[$0.customer]! }
            let ordered = members.filter { member in
                let ranks = member.touchpoints.map { stageRank[stageOf[$0]!]! }
                return zip(ranks, ranks.dropFirst()).allSatisfy { $0 <= $1 }
            }
            #expect(close(persona.inMapOrder, Double(ordered.count) / Double(members.count)), "\(persona.id)")
            #expect(close(persona.conversion, Double(members.filter { $0.touchpoints.contains(goal) }.count) / Double(members.count)))
        }
    }
}
