import Foundation
import JourneyAnalytics
import JourneyModel
import Testing

@Suite("Conformance")
struct ConformanceTests {
    /// One hand-written journey: event names with their day offsets, in arrival order.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [(name: String, days: Double)]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "perfect trace", events: [("Ad Clicked", 0), ("Product Viewed", 1), ("Order Completed", 2), ("Club Joined", 3)]),
        Case(name: "repeats inside a stage", events: [("Ad Clicked", 0), ("Product Viewed", 1), ("Chat Started", 1.5), ("Product Viewed", 2),
                                                      ("Order Completed", 3)]),
        Case(name: "skipped stage", events: [("Ad Clicked", 0), ("Order Completed", 1)]),
        Case(name: "starts late", events: [("Product Viewed", 0), ("Order Completed", 1)]),
        Case(name: "backward move", events: [("Ad Clicked", 0), ("Product Viewed", 1), ("Order Completed", 2), ("Chat Started", 3),
                                             ("Order Completed", 4)]),
        Case(name: "backward move that fills a skip", events: [("Ad Clicked", 0), ("Order Completed", 1), ("Product Viewed", 2)]),
        Case(name: "one event", events: [("Order Completed", 0)]),
        Case(name: "one event in the first stage", events: [("Ad Clicked", 0)]),
        Case(name: "equal timestamps keep arrival order", events: [("Ad Clicked", 1), ("Order Completed", 1), ("Product Viewed", 1)]),
        Case(name: "unexpected events inside the journey", events: [("Ad Clicked", 0), ("Size Guide Opened", 0.5), ("Product Viewed", 1),
                                                                    ("Size Guide Opened", 1.5), ("Order Completed", 2)]),
        Case(name: "off-map events outside the journey", events: [("Size Guide Opened", 0), ("Ad Clicked", 1), ("Product Viewed", 2),
                                                                  ("Size Guide Opened", 3)]),
    ]

    /// The reference over hand-written journeys: stages from the event names, unexpected events counted between the first and last classified one.
    static func reference(_ journeys: [[(name: String, days: Double)]]) -> (ConformanceReference, unexpected: (customers: Int, events: Int)) {
        var reference = ConformanceReference()
        var unexpected = (customers: 0, events: 0)
        for events in journeys {
            // The index orders by time, then arrival: a stable sort by time.
            let ordered = events.enumerated().sorted { ($0.element.days, $0.offset) < ($1.element.days, $1.offset) }.map(\.element)
            reference.add(ordered.compactMap { TinyMap.stageOfEvent[$0.name] })
            let classified = ordered.indices.filter { TinyMap.stageOfEvent[ordered[$0].name] != nil }
            if let first = classified.first, let last = classified.last {
                let inside = (first ... last).filter { TinyMap.stageOfEvent[ordered[$0].name] == nil }.count
                if inside > 0 { unexpected.customers += 1; unexpected.events += inside }
            }
        }
        return (reference, unexpected)
    }

    static func check(_ result: ConformanceResult, against journeys: [[(name: String, days: Double)]]) {
        let (expected, unexpected) = reference(journeys)
        let stages = ["awareness", "consideration", "decision", "retention"]
        #expect(result.customers == expected.customers)
        #expect(result.conforming == expected.conforming)
        #expect(result.histogram.map(\.customers) == expected.histogram)
        if expected.customers > 0 {
            #expect(abs((result.meanFitness ?? -1) - expected.fitness.reduce(0, +) / Double(expected.customers)) < 1e-12)
            #expect(result.share == Double(expected.conforming) / Double(expected.customers))
        } else {
            #expect(result.meanFitness == nil && result.share == nil)
        }
        #expect(result.stages.map(\.id) == stages)
        for (number, stage) in result.stages.enumerated() {
            #expect(stage.visited == expected.visited[number, default: 0], "visited \(stage.id)")
            #expect(stage.reached == expected.furthest.filter { $0.key >= number }.values.reduce(0, +), "reached \(stage.id)")
            #expect(stage.skipped == expected.skipped[number, default: 0], "skipped \(stage.id)")
        }
        let skipped = result.deviations.filter { $0.kind == .skippedStage }
        #expect(Dictionary(uniqueKeysWithValues: skipped.map { (stages.firstIndex(of: $0.stage ?? "")!, $0.customers) }) == expected.skipped)
        #expect(skipped.allSatisfy { $0.occurrences == $0.customers })
        let backward = result.deviations.filter { $0.kind == .backwardMove }
        let pair = { (deviation: ConformanceResult.Deviation) in [stages.firstIndex(of: deviation.from ?? "")!, stages.firstIndex(of: deviation.to ?? "")!] }
        #expect(Dictionary(uniqueKeysWithValues: backward.map { (pair($0), $0.customers) }) == expected.backwardCustomers)
        #expect(Dictionary(uniqueKeysWithValues: backward.map { (pair($0), $0.occurrences) }) == expected.backwardMoves)
        let found = result.deviations.first { $0.kind == .unexpectedTouchpoint }
        #expect((found?.customers ?? 0, found?.occurrences ?? 0) == unexpected)
    }

    static func options() -> Options {
        var options = Options()
        options.minimumCustomers = 1
        return options
    }

    @Test("a hand-written journey is scored as a plain recomputation scores it", arguments: cases)
    func single(_ journey: Case) throws {
        let fixture = try StoreFixture.fromNDJSON(TinyMap.lines(journey.events.map { ("u1", $0.name, $0.days) }), workspace: TinyMap.yaml)
        let result = try #require(try fixture.run(.conformance, options: Self.options()).conformance)
        Self.check(result, against: [journey.events])
        #expect(result.customers == 1)
    }

    @Test("fitness of the documented cases")
    func fitness() throws {
        func score(_ events: [(name: String, days: Double)]) throws -> Double? {
            let fixture = try StoreFixture.fromNDJSON(TinyMap.lines(events.map { ("u1", $0.name, $0.days) }), workspace: TinyMap.yaml)
            return try fixture.run(.conformance, options: Self.options()).conformance?.meanFitness
        }
        #expect(try score(Self.cases[0].events) == 1)
        // One event in stage 2: stages 0 and 1 skipped out of 0 moves + 3 stages.
        #expect(try score([("Order Completed", 0)]) == 1 - 2.0 / 3)
        // ad, buy: 1 skip; 1 move + 3 stages.
        #expect(try score([("Ad Clicked", 0), ("Order Completed", 1)]) == 1 - 1.0 / 4)
    }

    @Test("all journeys in one store: totals, deviations and examples")
    func together() throws {
        var events: [(user: String, name: String, days: Double)] = []
        for (number, journey) in Self.cases.enumerated() {
            events += journey.events.map { ("u\(number)", $0.name, $0.days) }
        }
        // A user with only off-map events has no journey.
        events.append(("lurker", "Size Guide Opened", 1))
        let fixture = try StoreFixture.fromNDJSON(TinyMap.lines(events), workspace: TinyMap.yaml)
        var options = Self.options()
        options.examples = 2
        let result = try #require(try fixture.run(.conformance, options: options).conformance)
        Self.check(result, against: Self.cases.map(\.events))

        // Examples are the first affected customers in customer order.
        let numbers = try fixture.customerNumbers()
        let backward = Self.cases.indices.filter { number in
            let stages = Self.cases[number].events.enumerated().sorted { ($0.element.days, $0.offset) < ($1.element.days, $1.offset) }
                .compactMap { TinyMap.stageOfEvent[$0.element.name] }
            return zip(stages, stages.dropFirst()).contains { $1 == 1 && $0 == 2 }
        }.map { numbers["user:u\($0)"]! }.sorted()
        let deviation = try #require(result.deviations.first { $0.kind == .backwardMove && $0.from == "decision" && $0.to == "consideration" })
        #expect(deviation.examples == backward.prefix(2).map { "cus_\($0)" })

        // minimum_customers hides deviations with fewer customers, not the totals.
        var strict = options
        strict.minimumCustomers = 3
        let hidden = try #require(try fixture.run(.conformance, options: strict).conformance)
        #expect(hidden.deviations.allSatisfy { $0.customers >= 3 })
        #expect(hidden.customers == result.customers && hidden.conforming == result.conforming)
    }

    @Test("an empty store")
    func empty() throws {
        let fixture = try StoreFixture.fromNDJSON([], workspace: TinyMap.yaml)
        let result = try #require(try fixture.run(.conformance).conformance)
        Self.check(result, against: [])
        #expect(result.deviations.isEmpty)
        #expect(result.histogram.count == 10)
    }

    @Test("generated journeys are scored as a plain recomputation scores them", arguments: [WorkspaceTemplate.retail, .saas, .b2bServices])
    func generated(template: WorkspaceTemplate) throws {
        let fixture = try StoreFixture.generated(template, customers: 1_500, seed: 9)
        let result = try #require(try fixture.run(.conformance, options: Self.options()).conformance)
        let index = fixture.index
        let stageNumber = Dictionary(uniqueKeysWithValues: index.journey.stages.enumerated().map { ($1.id, $0) })
        let stageOf = Dictionary(uniqueKeysWithValues: index.journey.touchpoints.map { ($0.id, stageNumber[$0.stage]!) })
        var expected = ConformanceReference()
        for journey in ExportedJourney.all(index) { expected.add(journey.touchpoints.map { stageOf[$0]! }) }
        #expect(result.customers == expected.customers)
        #expect(result.conforming == expected.conforming)
        #expect(result.histogram.map(\.customers) == expected.histogram)
        #expect(abs((result.meanFitness ?? -1) - expected.fitness.reduce(0, +) / Double(expected.customers)) < 1e-9)
        for (number, stage) in result.stages.enumerated() {
            #expect(stage.visited == expected.visited[number, default: 0])
            #expect(stage.skipped == expected.skipped[number, default: 0])
        }
        let backward = result.deviations.filter { $0.kind == .backwardMove }
        #expect(backward.reduce(0) { $0 + $1.occurrences } == expected.backwardMoves.values.reduce(0, +))
        #expect(backward.count == expected.backwardCustomers.count)
        let offMap = index.offMapEvents.filter { $0 > 0 }
        let unexpected = result.deviations.first { $0.kind == .unexpectedTouchpoint }
        #expect(unexpected?.customers == offMap.count && unexpected?.occurrences == offMap.reduce(0) { $0 + Int($1) })
    }
}
