import CustomerData
import JourneyAnalytics
import JourneyModel
import Testing
import WayfinderTesting

/// The live count of a match rule being edited, against ``EventMatcher`` on the decoded events.
@Suite("Match preview")
struct MatchPreviewTests {
    @Test("each touchpoint's events, customers, events its rule takes alone and those an earlier rule takes first equal a recount by the matcher")
    func touchpoints() throws {
        var random = SplitMix64(seed: 31)
        var lines: [String] = []
        for number in 0..<3000 {
            let name = ["Ad Clicked", "Ad Viewed", "Order Placed", "Order Completed", "Review", "Home"].randomElement(using: &random)!
            let channel = ["web", "app"].randomElement(using: &random)!
            let total = Int.random(in: 0..<80, using: &random)
            lines.append(#"{"type":"track","event":"\#(name)","anonymousId":"c\#(number % 97)","messageId":"m\#(number)","timestamp":"2026-01-01T00:00:00Z","#
                + #""context":{"channel":"\#(channel)"},"properties":{"total":\#(total),"campaign":"c25k-\#(number % 3)"}}"#)
        }
        let fixture = try StoreFixture.fromNDJSON(lines, workspace: """
            version: 1
            journeys:
              - id: j
                title: J
                stages: [{ id: one, name: One }]
                touchpoints:
                  - { id: ads, name: Ads, stage: one, channel: web, match: { event: "Ad *" } }
                  - { id: web-clicks, name: Web clicks, stage: one, channel: web, match: { event: "Ad Clicked", channel: web } }
                  - { id: big, name: Big, stage: one, channel: web, match: { event: "Order *", properties: { total: { gte: 40 } } } }
                  - { id: any-order, name: Any order, stage: one, channel: web, match: { event: "Order *" } }
            """)
        let events = try lines.map { try EventDecoder.decode(JSONParser.parse($0)).get() }
        let matcher = EventMatcher(journey: fixture.journey)
        for (index, touchpoint) in fixture.journey.touchpoints.enumerated() {
            let preview = try MatchPreview.touchpoint(touchpoint.id, in: fixture.journey, store: fixture.store.data)
            let classified = events.filter { matcher.classify($0) == index }
            let alone = events.filter { matcher.matches(touchpoint: index, $0) }
            #expect(preview.events == classified.count, "\(touchpoint.id)")
            #expect(preview.customers == Set(classified.compactMap(\.anonymousId)).count, "\(touchpoint.id)")
            #expect(preview.matchingAlone == alone.count, "\(touchpoint.id)")
            #expect(preview.claimedEarlier == alone.filter { (matcher.classify($0) ?? .max) < index }.count, "\(touchpoint.id)")
            #expect(preview.storedEvents == lines.count)
            #expect(preview.sample.count == min(10, classified.count))
            let names = Set(classified.compactMap(\.name))
            #expect(preview.sample.allSatisfy { names.contains($0.name) })
        }
        // A rule taken entirely by an earlier one: web-clicks and any-order have events of their own only where the earlier rules leave them.
        #expect(try MatchPreview.touchpoint("web-clicks", in: fixture.journey, store: fixture.store.data).events == 0)
        #expect(throws: MatchPreview.Failure.self) { try MatchPreview.touchpoint("nothing", in: fixture.journey, store: fixture.store.data) }
    }

    @Test("a persona rule's customers equal a count of the planted traits")
    func persona() throws {
        var random = SplitMix64(seed: 7)
        var lines: [String] = [], expected = 0
        for number in 0..<500 {
            let plan = ["free", "pro", "team"].randomElement(using: &random)!
            let seats = Int.random(in: 1..<60, using: &random)
            if plan != "free" && seats >= 10 { expected += 1 }
            lines.append(#"{"type":"identify","userId":"u\#(number)","messageId":"i\#(number)","timestamp":"2026-01-01T00:00:00Z","traits":{"plan":"\#(plan)","seats":\#(seats)}}"#)
        }
        let fixture = try StoreFixture.fromNDJSON(lines, workspace: """
            version: 1
            personas:
              - { id: buyer, name: Buyer, match: { traits: { plan: { in: [pro, team] }, seats: { gte: 10 } } } }
            journeys:
              - { id: j, title: J, personas: [buyer], stages: [{ id: one, name: One }], touchpoints: [{ id: t, name: T, stage: one, channel: web, match: { event: X } }] }
            """)
        let preview = try MatchPreview.persona(fixture.workspace.personas[0], store: fixture.store.data)
        #expect(preview.customers == expected && preview.of == 500, "\(preview) against \(expected)")
        var ruleless = fixture.workspace.personas[0]
        ruleless.match = nil
        #expect(try MatchPreview.persona(ruleless, store: fixture.store.data).customers == 0)
    }
}
