import Foundation
import Testing
import WayfinderTesting

/// `wayfinder analyze` end to end on generated retail data: options reach the query, the query
/// round-trips through JSON, formats agree, and bad options are refused with a usage message.
@Suite("wayfinder analyze")
struct AnalyzeCommandTests {
    /// Generates, initialises and imports 400 retail customers; returns the common arguments.
    static func prepare(_ directory: TemporaryDirectory) async throws -> [String] {
        let generate = try await wayfinder("generate", "--scenario", "retail", "--customers", "400", "--seed", "3", "--out", "data", in: directory)
        #expect(generate.status == 0, "\(generate)")
        try await initWorkspace(in: directory)
        let load = try await wayfinder("import", "data/events.csv", "--db", "store.db", in: directory)
        #expect(load.status == 0, "\(load)")
        return ["--workspace", "ws", "--db", "store.db"]
    }

    @Test("friction options reach the analysis, and --show-query then --query gives the same result")
    func frictionOptions() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await Self.prepare(directory)
            let options = ["--minimum-customers", "15", "--examples", "1", "--slow-factor", "4", "--repeat-contact-days", "2", "--service-channels", "chat,phone"]
            let run = try await wayfinder(["analyze", "friction"] + common + options + ["--format", "json"], in: directory)
            #expect(run.status == 0, "\(run)")
            let friction = try #require(try jsonObject(run.stdout)["friction"] as? [String: Any])
            #expect(friction["minimum_customers"] as? Int == 15)
            let findings = try #require(friction["findings"] as? [[String: Any]])
            #expect(!findings.isEmpty)
            for finding in findings {
                #expect((finding["customers"] as? Int ?? 0) >= 15, "\(finding)")
                #expect((finding["examples"] as? [String])?.count ?? 2 <= 1, "\(finding)")
            }
            if let median = friction["median_transition_seconds"] as? Double, let threshold = friction["slow_threshold_seconds"] as? Double {
                #expect(abs(threshold - max(4 * median, 1)) < 1e-6, "the threshold is --slow-factor times the median transition")
            }
            let shown = try await wayfinder(["analyze", "friction"] + common + options + ["--show-query"], in: directory)
            let query = try jsonObject(shown.stdout)
            let stated = try #require(query["options"] as? [String: Any])
            #expect(stated["repeat_contact_days"] as? Double == 2 && stated["slow_factor"] as? Double == 4)
            #expect(stated["service_channels"] as? [String] == ["chat", "phone"] && stated["examples"] as? Int == 1)
            try directory.write(shown.stdout, to: "query.json")
            let again = try await wayfinder(["analyze", "friction"] + common + ["--query", "query.json", "--format", "json"], in: directory)
            #expect(again.status == 0, "\(again)")
            let first = try #require(try jsonObject(run.stdout)["friction"] as? NSDictionary)
            let second = try #require(try jsonObject(again.stdout)["friction"] as? NSDictionary)
            #expect(first == second)
        }
    }

    @Test("CSV holds the rows of the text table")
    func csvAgreesWithJSON() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await Self.prepare(directory)
            let json = try await wayfinder(["analyze", "funnel"] + common + ["--format", "json"], in: directory)
            let csv = try await wayfinder(["analyze", "funnel"] + common + ["--format", "csv"], in: directory)
            #expect(json.status == 0 && csv.status == 0, "\(json)\n\(csv)")
            let steps = try #require((try jsonObject(json.stdout)["funnel"] as? [String: Any])?["steps"] as? [[String: Any]])
            let records = try csvRecords(csv.stdout)
            #expect(records.count == steps.count + 1, "a header and one row a step:\n\(csv.stdout)")
            for (cells, step) in zip(records.dropFirst(), steps) {
                #expect(cells.contains(String(step["customers"] as? Int ?? -1)), "\(cells) against \(step)")
            }
        }
    }

    @Test("bad options are refused before any work, saying what to give", arguments: [
        (["friction", "--slow-factor", "0"], "--slow-factor must be more than 0"),
        (["friction", "--repeat-contact-days=-1"], "--repeat-contact-days must be 0 or more"),
        (["friction", "--examples=-2"], "--examples must be 0 or more"),
        (["friction", "--service-channels", ","], "--service-channels takes channel names"),
        (["funnel", "--mode", "sideways"], "--mode takes ordered, strict or any_order"),
        (["compare", "--compare", "funnel", "--before", "2026-01-01..2026-02-01"], "compare needs --before and --after"),
    ])
    func badOptions(_ arguments: [String], _ message: String) async throws {
        let output = try await wayfinder(["analyze"] + arguments + ["--workspace", "nowhere"])
        #expect(output.status != 0)
        #expect(output.stderr.contains(message), "\(output)")
    }
}
