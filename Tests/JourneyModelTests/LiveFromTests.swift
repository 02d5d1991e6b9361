import Foundation
import JourneyModel
import Testing

/// `live_from`: the day a journey as drawn went live, read, written, diffed and described by the schema.
@Suite("live_from")
struct LiveFromTests {
    static func fixture() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/live-from", withExtension: "yaml"), "the live-from fixture is missing")
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("the fixture's future map is live from its day; the day survives YAML and JSON and shows in a diff")
    func fixtureRoundTrip() throws {
        let decoded = WorkspaceCodec.decode(try Self.fixture(), file: "live-from.yaml")
        let workspace = try #require(decoded.workspace)
        let problems = decoded.diagnostics + WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
        #expect(problems.isEmpty, "\(problems.map(\.formatted))")
        #expect(workspace.journey("checkout")?.liveFrom == nil)
        let future = try #require(workspace.journey("checkout-one-page"))
        #expect(future.state == .future && future.liveFrom == CalendarDate(year: 2026, month: 9, day: 1))
        let yaml = WorkspaceCodec.yaml(workspace)
        #expect(yaml.contains("live_from: 2026-09-01") || yaml.contains("live_from: \"2026-09-01\"") || yaml.contains("live_from: '2026-09-01'"))
        #expect(WorkspaceCodec.decode(yaml, file: "a.yaml").workspace == workspace)
        #expect(WorkspaceCodec.decode(WorkspaceCodec.json(workspace), file: "a.json").workspace == workspace)
        var moved = workspace
        moved.journeys[1].liveFrom = CalendarDate(year: 2026, month: 10, day: 1)
        let diff = WorkspaceDiff(old: workspace, new: moved)
        #expect(diff.changes.contains { $0.field == "live_from" && $0.from == "2026-09-01" && $0.to == "2026-10-01" }, "\(diff.changes)")
    }

    @Test("the JSON Schema describes live_from as a date")
    func schema() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(JSONSchemaGenerator.json().utf8)) as? [String: Any])
        let journey = try #require((schema["$defs"] as? [String: Any])?["Journey"] as? [String: Any])
        let liveFrom = try #require((journey["properties"] as? [String: Any])?["live_from"] as? [String: Any])
        #expect(liveFrom["format"] as? String == "date")
        let pattern = try #require(liveFrom["pattern"] as? String)
        #expect("2026-09-01".range(of: pattern, options: .regularExpression) != nil)
        #expect("2026-9-1".range(of: pattern, options: .regularExpression) == nil)
    }

    @Test("a day is read only as YYYY-MM-DD naming a real day", arguments: [
        ("2026-09-01", true), ("2024-02-29", true), ("2000-02-29", true), ("1900-02-29", false), ("2026-02-29", false), ("2026-04-31", false),
        ("2026-13-01", false), ("2026-00-10", false), ("0000-01-01", false), ("2026-9-1", false), ("2026-09-01T00:00:00Z", false),
        ("２０２６-09-01", false), ("", false), ("2026/09/01", false), ("-026-09-01", false),
    ])
    func parsing(text: String, valid: Bool) {
        let date = CalendarDate(text)
        #expect((date != nil) == valid)
        if let date { #expect(date.description == text) }
    }

    @Test("days since 1970 agree with Foundation's Gregorian calendar (after 1582, where it stops being Julian)", arguments: ["1970-01-01", "1969-12-31", "2026-01-05", "2026-09-01", "2000-02-29", "1600-03-01", "9999-12-31"])
    func days(text: String) throws {
        let date = try #require(CalendarDate(text))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let moment = try #require(calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)))
        #expect(Int64(date.daysSince1970) * 86_400 == Int64(moment.timeIntervalSince1970.rounded()))
    }
}
