import Foundation
import Testing
import WayfinderTesting

/// `wayfinder analyze customers` and `verbatims` end to end on generated retail data: the CSV holds
/// every row of the JSON in order, the list is the touchpoint's visitors, pages are slices of it,
/// and a missing touchpoint or a paging value out of range is a usage error.
@Suite("wayfinder analyze customers and verbatims")
struct AnalyzeCustomersCommandTests {
    static let touchpoint = "fit-chat"

    @Test("customers: CSV rows equal the JSON rows and the touchpoint's visitors; --limit and --offset page the same list; verbatims likewise")
    func customersAsJSONAndCSV() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await AnalyzeCommandTests.prepare(directory)
            let json = try await wayfinder(["analyze", "customers", "--touchpoint", Self.touchpoint, "--format", "json"] + common, in: directory)
            #expect(json.status == 0, "\(json)")
            let list = try #require(try jsonObject(json.stdout)["customers"] as? [String: Any])
            let rows = try #require(list["customers"] as? [[String: Any]])
            let total = try #require(list["total"] as? Int)
            #expect(rows.count == total && total > 20)
            let live = try await wayfinder(["analyze", "touchpoints", "--format", "json"] + common, in: directory)
            let visitors = ((try jsonObject(live.stdout)["touchpoints"] as? [String: Any])?["touchpoints"] as? [[String: Any]])?
                .first { $0["id"] as? String == Self.touchpoint }?["visitors"] as? Int
            #expect(visitors == total)

            let csv = try await wayfinder(["analyze", "customers", "--touchpoint", Self.touchpoint, "--format", "csv"] + common, in: directory)
            let records = try csvRecords(csv.stdout)
            #expect(records.first == ["customer", "name", "persona", "first_visit", "last_visit", "visits", "reached_goal", "goal_at"])
            #expect(records.count == total + 1)
            for (record, row) in zip(records.dropFirst(), rows) {
                #expect(record[0] == row["id"] as? String && record[1] == (row["name"] as? String ?? "") && record[2] == (row["persona"] as? String ?? ""))
                #expect(record[5] == String(row["visits"] as? Int ?? -1) && record[6] == ((row["reached_goal"] as? Bool) == true ? "true" : "false"))
            }
            #expect(rows.contains { $0["name"] != nil }, "the generated customers have names")

            let page = try await wayfinder(["analyze", "customers", "--touchpoint", Self.touchpoint, "--limit", "5", "--offset", "2", "--format", "json"] + common, in: directory)
            let paged = try #require((try jsonObject(page.stdout)["customers"] as? [String: Any])?["customers"] as? [[String: Any]])
            #expect(paged.compactMap { $0["id"] as? String } == rows[2..<7].compactMap { $0["id"] as? String })

            let said = try await wayfinder(["analyze", "verbatims", "--touchpoint", Self.touchpoint, "--format", "json"] + common, in: directory)
            let verbatims = try #require(try jsonObject(said.stdout)["verbatims"] as? [String: Any])
            let saidCSV = try csvRecords(try await wayfinder(["analyze", "verbatims", "--touchpoint", Self.touchpoint, "--format", "csv"] + common, in: directory).stdout)
            #expect(saidCSV.first == ["time", "customer", "name", "persona", "metric", "score", "sentiment", "polarity", "named", "text"])
            #expect(saidCSV.count - 1 == verbatims["total"] as? Int && (verbatims["total"] as? Int ?? 0) > 0)
            let text = try await wayfinder(["analyze", "customers", "--touchpoint", Self.touchpoint, "--limit", "3"] + common, in: directory)
            #expect(text.status == 0 && text.stdout.contains("Customers who passed \(Self.touchpoint) (\(total),"), "\(text)")
        }
    }

    @Test("no touchpoint, a paging value out of range or an unknown order is a usage error (exit 2) naming what to give", arguments: [
        (["customers"], "--touchpoint"), (["verbatims"], "--touchpoint"), (["customers", "--touchpoint", "x", "--limit", "-1"], "limit"),
        (["customers", "--touchpoint", "x", "--offset", "-4"], "offset"), (["customers", "--touchpoint", "x", "--order", "sideways"], "--order"),
        (["compare", "--compare", "customers", "--before", "2026-01-01..", "--after", "..2026-01-01"], "--compare"),
    ])
    func usageErrors(arguments: [String], named: String) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await wayfinder(["analyze"] + arguments + ["--workspace", "ws", "--db", "store.db"], in: directory)
            #expect(run.status == 2 && run.stderr.contains(named), "\(run)")
        }
    }
}
