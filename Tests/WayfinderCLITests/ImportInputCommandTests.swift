import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder import of damaged files")
struct ImportInputCommandTests {
    @Test("a CSV header that cannot be used fails the import naming the file, line 1, the column and what was expected, before any file is imported")
    func badHeader() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("timestamp,event,anonymousId\n2026-01-05T10:00:00Z,Viewed,a1\n", to: "good.csv")
        try directory.write(Array("timestamp,".utf8) + [0xC3, 0x28] + Array("vent,anonymousId\n2026-01-05T10:00:00Z,Viewed,a2\n".utf8), to: "bad.csv")
        let output = try await wayfinder("import", "good.csv", "bad.csv", "--db", "w.db", in: directory)
        #expect(output.status == 1, "\(output)")
        #expect(output.stderr.contains("bad.csv: line 1 (the header), column 2: is not valid UTF-8 text"), "\(output)")
        #expect(!output.stdout.contains("Imported"), "no summary claims success")
        let customers = try await wayfinder("customers", "--db", "w.db", "--format", "json", in: directory)
        #expect(try jsonObject(customers.stdout)["total"] as? Int == 0, "every header is read before any file is imported")
        #expect(output.stderr.contains("nothing was imported"), "\(output)")
    }

    #if os(Linux)
    @Test("a read error fails the import naming the file and the error, never a summary of what was read before it")
    func readError() async throws {
        let directory = try TemporaryDirectory()
        let output = try await wayfinder("import", "/proc/self/mem", "--input-format", "ndjson", "--db", "w.db", in: directory)
        #expect(output.status == 1, "\(output)")
        #expect(output.stderr.contains("/proc/self/mem: the file could not be read (Input/output error)"), "\(output)")
        #expect(!output.stdout.contains("Imported"), "\(output)")
    }
    #endif

    @Test("a Segment batch with one message out of range imports the others and quarantines that one")
    func batch() async throws {
        let directory = try TemporaryDirectory()
        let messages = (0..<3).map { number in
            #"{"type": "track", "event": "Viewed", "anonymousId": "a\#(number)", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": \#(number == 1 ? "1e309" : "12")}}"#
        }
        try directory.write(#"{"batch": [\#(messages.joined(separator: ", "))]}"#, to: "batch.json")
        let output = try await wayfinder("import", "batch.json", "--db", "w.db", "--format", "json", in: directory)
        #expect(output.status == 3, "\(output)")
        let summary = try jsonObject(output.stdout)
        #expect(summary["imported"] as? Int == 2 && summary["quarantined"] as? Int == 1, "\(output)")
    }

    /// The fixtures of the exports the presets read (Tests/CustomerDataTests/Fixtures/imports).
    static func export(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("CustomerDataTests/Fixtures/imports/\(name)").path
    }

    @Test("the exports of six tools imported at once: each read with its preset, the survey's question chosen, one customer across all of them")
    func presets() async throws {
        let directory = try TemporaryDirectory()
        let files = ["zendesk-tickets.csv", "hubspot-contacts.csv", "ga4-events.ndjson", "typeform-responses.csv", "qualtrics-responses.csv"].map(Self.export)
        // Without the question, the survey exports stop the import with the columns to choose from.
        let refused = try await wayfinder(["import"] + files + ["--db", "w.db"], in: directory)
        #expect(refused.status == 1 && refused.stderr.contains("nothing was imported") && refused.stderr.contains("typeform export needs the question whose answers are the score")
                && refused.stderr.contains("choose it with --question"), "\(refused)")
        let badMetric = try await wayfinder(["import"] + files + ["--db", "w.db", "--question", "Q1", "--metric", "stars"], in: directory)
        #expect(badMetric.status == 2 && badMetric.stderr.contains("--metric takes nps, csat or ces"), "\(badMetric)")
        // Typeform and Qualtrics name the question differently: one file each.
        let first = try await wayfinder(["import"] + files.prefix(4) + [Self.export("social-mentions.csv"), "--db", "w.db", "--question", "How likely are you to recommend Example Shop to a friend?",
                                                                          "--comment", "What is the main reason for your score?", "--format", "json"], in: directory)
        #expect(first.status == 3, "GA4's line 9 and two Typeform responses are set aside: \(first)")
        for (file, preset) in zip(files, ["zendesk", "hubspot-contacts", "ga4", "typeform"]) {
            #expect(first.stderr.contains("\(file): read with the \(preset) preset"), "\(first.stderr)")
        }
        let summary = try jsonObject(first.stdout)
        #expect(summary["imported"] as? Int == 9 + 5 + 8 + 3 + 3 && summary["duplicates"] as? Int == 0 && summary["quarantined"] as? Int == 3, "\(summary)")
        let second = try await wayfinder("import", files[4], "--db", "w.db", "--question", "Q1", "--comment", "Q2", in: directory)
        #expect(second.status == 0 && second.stdout.contains("Imported 3 events"), "\(second)")
        let maya = try jsonObject(try await wayfinder("customers", "u-1001", "--db", "w.db", "--format", "json", in: directory).stdout)
        let events = try #require(maya["timeline"] as? [[String: Any]], "\(maya)").compactMap { entry in
            (entry["message"] as? String).flatMap { try? jsonObject($0) }
        }
        let names = Set(events.compactMap { ($0["event"] ?? $0["name"]) as? String })
        // Zendesk, HubSpot, GA4, Typeform and Qualtrics: one customer.
        // Her tweet joins by the Twitter Username of her HubSpot record.
        #expect(names.isSuperset(of: ["Ticket Created", "Lifecycle Stage: customer", "purchase", "Trail Runner 2", "Survey Answered", "Social Mention"]), "\(names)")
        #expect(events.filter { $0["event"] as? String == "Survey Answered" }.count == 2, "her Typeform and Qualtrics answers")
    }

    @Test("two events of one line set aside are two quarantined records, each with its place and reason")
    func twoFailuresOfOneLine() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(#"{"email_address":"a@example.com","email_id":"e1","campaign_id":"c1","list_id":"l","activity":[{"action":"open","timestamp":"yesterday"},{"action":"click","timestamp":"soon"}]}"# + "\n",
                            to: "activity.ndjson")
        for run in 1...2 {
            let output = try await wayfinder("import", "activity.ndjson", "--db", "w.db", "--format", "json", in: directory)
            #expect(output.status == 3, "\(output)")
            #expect(try jsonObject(output.stdout)["quarantined"] as? Int == 2, "run \(run): \(output.stdout)")
        }
        let quarantine = try String(contentsOfFile: directory.path + "/w.db.quarantine.default.ndjson", encoding: .utf8)
        let entries = quarantine.split(separator: "\n").map { try? jsonObject(String($0)) }
        // Set aside once each, though the file was imported twice.
        #expect(entries.compactMap { $0?["location"] as? String } == ["line 1, event 1", "line 1, event 2"], "\(quarantine)")
    }
}
