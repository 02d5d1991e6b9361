import CustomerData
import JourneyAnalytics
import JourneyModel
import Testing
import WayfinderTesting

/// The index's classification (fields read from stored bytes, conditions tested on them) against
/// ``EventMatcher`` on the decoded events, for rules of every kind and awkward values.
@Suite("Index classification")
struct ClassificationTests {
    static let workspace = #"""
    version: 1
    journeys:
      - id: j
        title: J
        goal: done
        stages: [{ id: one, name: One }, { id: two, name: Two }]
        touchpoints:
          - { id: glob, name: G, stage: one, match: { event: "Ad *", properties: { campaign: "c25k-*", network: { in: [meta, google, "\u212A"] } } } }
          - { id: regex, name: R, stage: one, match: { event: "Ad Clicked", properties: { store: { regex: "^GB-[A-Z]{3}-\\d{2}$" } } } }
          - { id: number, name: N, stage: one, match: { event: "Order *", properties: { total: { gte: 40 }, first: true } } }
          - { id: text, name: T, stage: one, match: { event: "Order *", properties: { step: 2, label: { not_in: [cafe, K] } } } }
          - { id: path, name: P, stage: two, match: { type: page, properties: { context.page.path: "/products/*", traits.plan: { exists: true } } } }
          - { id: equal, name: E, stage: two, match: { event: "Order Placed", properties: { label: café, plan: { ne: pro } } } }
          - { id: contains, name: C, stage: two, match: { event: "Review", channel: web, properties: { label: { contains: a } } } }
          - { id: done, name: D, stage: two, match: { event: "Review", properties: { total: { lt: 5 }, event: Review } } }
    """#

    static let strings = ["c25k-spring", "c25k-", "meta", "google", "K", "\\u212A", "caf\\u00e9", "café", "cafe\\u0301", "cafe", "GB-LDS-01", "GB-ABC-12", "GB-XYZ-99",
                          "GB-LDS-1", "/products/1", "/products", "pro", "2", "40", "40.0", "true", "a\\\"b", "tab\\tx", "\\ud83d\\ude00", ""]
    static let others = ["40", "39.99", "1e2", "-0", "2", "2.0", "4", "true", "true", "true", "false", "null", "[\"meta\"]", "{\"a\":1}"]
    static let keys = ["campaign", "network", "store", "total", "first", "step", "label", "plan", "event"]

    @Test("every event goes to the touchpoint the matcher picks, or to none", arguments: [21, 22] as [UInt64])
    func agreesWithMatcher(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        func value() -> String {
            Bool.random(using: &random) ? "\"" + Self.strings.randomElement(using: &random)! + "\"" : Self.others.randomElement(using: &random)!
        }
        var lines: [String] = []
        for number in 0..<4000 {
            let names = ["Ad Clicked", "Ad Viewed", "Order Placed", "Order Completed", "Review", "Home"]
            let type = ["track", "track", "page"].randomElement(using: &random)!
            let keys = Self.keys.filter { _ in Int.random(in: 0..<3, using: &random) > 0 }
            let properties = keys.map { "\"\($0)\":\(value())" }.joined(separator: ",")
            let traits = Bool.random(using: &random) ? #","traits":{"plan":\#(value())}"# : ""
            let path = Bool.random(using: &random) ? #","page":{"path":\#(value())}"# : ""
            let channel = ["web", "app"].randomElement(using: &random)!
            let name = names.randomElement(using: &random)!
            lines.append(#"{"type":"\#(type)","\#(type == "page" ? "name" : "event")":"\#(name)","anonymousId":"c\#(number % 40)","messageId":"m\#(number)","#
                + #""timestamp":"2026-01-01T00:00:00Z","context":{"channel":"\#(channel)"\#(path)\#(traits)},"properties":{\#(properties)}}"#)
        }
        let fixture = try StoreFixture.fromNDJSON(lines, workspace: Self.workspace)
        let matcher = EventMatcher(journey: fixture.journey)
        var expected: [String: Int] = [:], classified = 0
        for line in lines {
            let event = try EventDecoder.decode(JSONParser.parse(line)).get()
            guard let touchpoint = matcher.classify(event) else { continue }
            expected[fixture.journey.touchpoints[touchpoint].id, default: 0] += 1
            classified += 1
        }
        #expect(fixture.index.summary.events == lines.count)
        #expect(fixture.index.summary.classified == classified)
        for touchpoint in fixture.journey.touchpoints {
            #expect(fixture.index.summary.touchpointEvents[touchpoint.id, default: 0] == expected[touchpoint.id, default: 0], "\(touchpoint.id)")
        }
        // Every rule selects some events and rejects others, so a wrong answer anywhere shows.
        #expect(fixture.journey.touchpoints.allSatisfy { expected[$0.id, default: 0] > 0 }, "\(expected)")
    }

    @Test("a map or workspace too large for the index's small integers is refused with what to do, not misread")
    func tooLarge() throws {
        let line = #"{"type":"track","event":"Review","anonymousId":"c1","messageId":"m1","timestamp":"2026-01-01T00:00:00Z","properties":{}}"#
        let fixture = try StoreFixture.fromNDJSON([line], workspace: Self.workspace)
        var journey = fixture.journey
        journey.touchpoints = (0..<65_534).map { number in
            var touchpoint = fixture.journey.touchpoints[0]
            touchpoint.id = "t\(number)"
            return touchpoint
        }
        let touchpoints = #expect(throws: IndexBuilder.Failure.self) {
            try IndexBuilder(workspace: fixture.workspace, journey: journey).build(from: fixture.store.data)
        }
        #expect(touchpoints?.description.contains("65534 touchpoints") == true, "\(String(describing: touchpoints))")
        journey.touchpoints.removeLast()
        _ = try IndexBuilder(workspace: fixture.workspace, journey: journey).build(from: fixture.store.data)

        var workspace = fixture.workspace
        workspace.personas = (0..<255).map { Persona(id: "p\($0)", name: "P\($0)") }
        let personas = #expect(throws: IndexBuilder.Failure.self) {
            try IndexBuilder(workspace: workspace, journey: fixture.journey).build(from: fixture.store.data)
        }
        #expect(personas?.description.contains("255 personas") == true, "\(String(describing: personas))")
    }
}
