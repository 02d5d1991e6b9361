import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import Testing

@Suite("Friction")
struct FrictionTests {
    @Test("planted friction touchpoints rank first and second among drop-off findings, with the truth's counts",
          arguments: WorkspaceTemplate.allCases)
    func planted(template: WorkspaceTemplate) throws {
        let fixture = try StoreFixture.generated(template, customers: 1_500, seed: 11)
        let truth = try #require(fixture.truth)
        let friction = try #require(try fixture.run(.friction).friction)
        let dropOffs = friction.findings.filter { $0.kind == .dropOff }
        #expect(truth.friction.count == 2)
        #expect(Set(dropOffs.prefix(2).compactMap(\.touchpoint)) == Set(truth.friction.map(\.touchpoint)), "\(dropOffs.prefix(4).map(\.touchpoint))")
        for planted in truth.friction {
            let finding = try #require(dropOffs.first { $0.touchpoint == planted.touchpoint })
            #expect(finding.exposed == planted.realised.visitors, "\(planted.touchpoint) visitors")
            #expect(finding.affected == planted.realised.left, "\(planted.touchpoint) left")
            #expect(finding.customers == planted.realised.left)
            #expect(finding.stage == planted.stage)
            #expect(abs(finding.rate - planted.realised.dropOff) < 0.00005)
        }
        // The journey-wide pool is the truth's baseline plus the planted touchpoints.
        let pool = try #require(friction.baselines.first { $0.kind == .dropOff })
        #expect(pool.exposed == truth.baseline.realised.visitors + truth.friction.reduce(0) { $0 + $1.realised.visitors })
        #expect(pool.affected == truth.baseline.realised.left + truth.friction.reduce(0) { $0 + $1.realised.left })
        // Every drop-off finding has the truth's counts for its touchpoint.
        for finding in dropOffs {
            let counts = try #require(truth.touchpoints[finding.touchpoint ?? ""])
            #expect(finding.exposed == counts.realised.visitors && finding.affected == counts.realised.left, "\(finding.touchpoint ?? "")")
        }
        #expect(friction.converted == truth.goal.customers)
    }

    @Test("with the goal before the last stage, the planted friction points rank first, and no customer who reached the goal leaves or is a lost conversion")
    func goalBeforeLastStage() throws {
        let fixture = try StoreFixture.generated(fixture: "goal-before-last-stage", customers: 3_000, seed: 13)
        let truth = try #require(fixture.truth)
        let stages = fixture.journey.stages.map(\.id)
        let goalStage = try #require(stages.firstIndex { $0 == truth.goal.stage })
        #expect(goalStage < stages.count - 1, "the goal sits before the last stage")
        #expect(truth.friction.count == 2 && truth.friction.allSatisfy { $0.stage != truth.goal.stage }, "planted away from the goal's stage")
        // Customers who reached the goal and went no further exist: those whose furthest stage is the goal's.
        let journeys = ExportedJourney.all(fixture.index)
        let stageOf = Dictionary(uniqueKeysWithValues: fixture.journey.touchpoints.map { ($0.id, stages.firstIndex(of: $0.stage)!) })
        let stoppedAtGoal = journeys.filter { $0.touchpoints.contains(truth.goal.touchpoint ?? "") && $0.touchpoints.map { stageOf[$0]! }.max() == goalStage }
        #expect(stoppedAtGoal.count > 200)

        let friction = try #require(try fixture.run(.friction).friction)
        let top = friction.findings.prefix(2).map { "\($0.kind.rawValue) \($0.touchpoint ?? "\($0.from ?? "")>\($0.to ?? "")")" }
        #expect(Set(top) == Set(truth.friction.map { "drop_off \($0.touchpoint)" }), "ranked first: \(friction.findings.prefix(4).map { ($0.kind, $0.touchpoint, $0.conversionsLost) })")
        let dropOffs = friction.findings.filter { $0.kind == .dropOff }
        for finding in dropOffs {
            let counts = try #require(truth.touchpoints[finding.touchpoint ?? ""])
            #expect(finding.exposed == counts.realised.visitors && finding.affected == counts.realised.left, "\(finding.touchpoint ?? "")")
            #expect(finding.conversion == 0, "\(finding.touchpoint ?? ""): a customer who reached the goal does not leave")
        }
        // The goal's stage: its other touchpoints' leavers are the visitors who stopped there without converting.
        for touchpoint in fixture.journey.touchpoints where touchpoint.stage == truth.goal.stage && touchpoint.id != truth.goal.touchpoint {
            let left = journeys.filter { journey in
                journey.touchpoints.contains(touchpoint.id) && !journey.touchpoints.contains(truth.goal.touchpoint ?? "")
                    && journey.touchpoints.map { stageOf[$0]! }.max()! <= goalStage
            }.count
            #expect(truth.touchpoints[touchpoint.id]?.realised.left == left, "\(touchpoint.id)")
            if let finding = dropOffs.first(where: { $0.touchpoint == touchpoint.id }) { #expect(finding.affected == left) }
        }
    }

    @Test("every finding's counts equal a plain recomputation from the exported events", arguments: [
        (WorkspaceTemplate.retail, "all"), (.retail, "range"), (.retail, "channels"), (.saas, "all"), (.healthcare, "range"),
    ])
    func reference(template: WorkspaceTemplate, selection: String) throws {
        let fixture = try StoreFixture.generated(template, customers: 1_200, seed: 3)
        var options = Options()
        options.minimumCustomers = 5
        options.examples = 4
        let start = ScenarioGenerator.start
        let from = selection == "range" ? start + 20 * 86_400_000 : nil, to = selection == "range" ? start + 50 * 86_400_000 : nil
        let channels: Set<String>? = selection == "channels" ? Set(fixture.index.channelNames.filter { $0 != "email" }) : nil
        let range = selection == "range" ? DateRange(from: "2026-01-25", to: "2026-02-24") : nil
        let rangeStart = try Timestamp.parse("2026-01-25T00:00:00Z")
        #expect(from == nil || from == rangeStart)
        let filters = Filters(channels: channels.map { Array($0) } ?? [])
        let friction = try #require(try fixture.run(.friction, range: range, filters: filters, options: options).friction)
        let journeys = ExportedJourney.all(fixture.index, from: from, to: to, channels: channels)
        let expected = FrictionReference(journeys: journeys, index: fixture.index, options: options, from: from, to: to)

        #expect(friction.customers == expected.customers)
        #expect(friction.converted == expected.converted)
        #expect(friction.medianTransitionSeconds == expected.medianTransition.map { Double($0) / 1000 })
        #expect(!friction.findings.isEmpty)
        for finding in friction.findings {
            let counts = try #require(expected.counts(of: finding), "\(finding.kind) \(finding.touchpoint ?? "") \(finding.from ?? "")>\(finding.to ?? "")")
            #expect(counts == FrictionReference.Counts(exposed: finding.exposed, affected: finding.affected, customers: finding.customers),
                    "\(finding.kind) \(finding.touchpoint ?? "") \(finding.from ?? "")>\(finding.to ?? "")")
            #expect(finding.customers >= options.minimumCustomers)
            #expect(finding.examples.count == min(options.examples, finding.customers))
            let numbers = finding.examples.compactMap { Int64($0.dropFirst(4)) }
            #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
        }
        for kind in [FrictionResult.Kind.dropOff, .transitionDropOff, .repeatContact, .slowTransition, .negativeFeedback] {
            let baseline = try #require(friction.baselines.first { $0.kind == kind })
            let total = expected.total(kind)
            #expect(baseline.exposed == total.exposed && baseline.affected == total.affected, "\(kind) baseline")
        }
        #expect(friction.baselines.first { $0.kind == .loopBack }?.exposed == expected.total(.loopBack).exposed)

        // Drop-off findings are exactly the touchpoints significantly above the rest.
        let pool = expected.total(.dropOff)
        let significant = (expected.counts[.dropOff] ?? [:]).filter { _, counts in
            let rest = (affected: pool.affected - counts.affected, exposed: pool.exposed - counts.exposed)
            let pooled = Double(pool.affected) / Double(pool.exposed)
            let error = (pooled * (1 - pooled) * (1 / Double(counts.exposed) + 1 / Double(rest.exposed))).squareRoot()
            let z = (Double(counts.affected) / Double(counts.exposed) - Double(rest.affected) / Double(rest.exposed)) / error
            return counts.customers >= options.minimumCustomers && z >= FrictionAnalysis.criticalZ
        }
        #expect(Set(friction.findings.filter { $0.kind == .dropOff }.compactMap(\.touchpoint)) == Set(significant.keys))

        // Ranked by conversions lost, then customers.
        #expect(friction.findings.map(\.rank) == Array(1...friction.findings.count))
        for (a, b) in zip(friction.findings, friction.findings.dropFirst()) {
            #expect(a.conversionsLost > b.conversionsLost || (a.conversionsLost == b.conversionsLost && a.customers >= b.customers))
        }
    }

    @Test("the JSON has the documented keys")
    func json() throws {
        let fixture = try StoreFixture.generated(.retail, customers: 600, seed: 5)
        var options = Options()
        options.minimumCustomers = 1
        let text = Analyzer.json(try fixture.run(.friction, options: options))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let friction = try #require(object["friction"] as? [String: Any])
        #expect(Set(friction.keys).isSuperset(of: ["findings", "baselines", "customers", "converted", "conversion", "minimum_customers"]))
        let findings = try #require(friction["findings"] as? [[String: Any]])
        let first = try #require(findings.first)
        #expect(Set(first.keys).isSuperset(of: ["rank", "kind", "touchpoint", "stage", "customers", "exposed", "affected", "rate",
                                                "baseline_rate", "lift", "conversions_lost", "z", "p", "examples"]))
        let kinds = Set(findings.compactMap { $0["kind"] as? String })
        #expect(kinds.isSubset(of: Set(FrictionResult.Kind.allCases.map(\.rawValue))))
        #expect(kinds.contains("drop_off"))
    }

    @Test("an empty store has no findings")
    func empty() throws {
        let fixture = try StoreFixture.fromNDJSON([], workspace: TinyMap.yaml)
        let friction = try #require(try fixture.run(.friction).friction)
        #expect(friction.findings.isEmpty)
        #expect(friction.customers == 0 && friction.conversion == nil && friction.medianTransitionSeconds == nil)
    }

    @Test("a second service contact within the window is a repeat of the first contact's touchpoint")
    func repeatContact() throws {
        // u1: chat, chat two days later (repeat), browse, chat six days later (not a repeat with window 3).
        // u2: one chat. u3: chat, then a chat five days later.
        let events: [(String, String, Double)] = [
            ("u1", "Chat Started", 0), ("u1", "Chat Started", 2), ("u1", "Product Viewed", 3), ("u1", "Chat Started", 8),
            ("u2", "Chat Started", 0),
            ("u3", "Chat Started", 0), ("u3", "Chat Started", 5),
        ]
        let fixture = try StoreFixture.fromNDJSON(TinyMap.lines(events), workspace: TinyMap.yaml)
        var options = Options()
        options.minimumCustomers = 1
        let friction = try #require(try fixture.run(.friction, options: options).friction)
        let repeats = friction.findings.filter { $0.kind == .repeatContact }
        #expect(repeats.count == 1)
        #expect(repeats.first?.touchpoint == "chat")
        #expect(repeats.first?.customers == 1)
        #expect(repeats.first?.exposed == 3)
        let numbers = try fixture.customerNumbers()
        #expect(repeats.first?.examples == ["cus_\(numbers["user:u1"] ?? 0)"])
    }
}
