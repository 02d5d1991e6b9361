import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder import, customers and forget")
struct ImportCommandTests {
    /// A CSV of `count` events over `count / 10` customers, each with an anonymous id and, from its
    /// fifth event on, a user id; written fast, without the product's code.
    static func bigCSV(count: Int) -> String {
        var text = "timestamp,type,event,messageId,anonymousId,userId,channel,properties.total\n"
        text.reserveCapacity(count * 80)
        for index in 0..<count {
            let customer = index / 10, step = index % 10
            let seconds = 1_767_600_000 + customer * 37 + step * 600
            text += "\(seconds),track,Step \(step),msg-\(index),anon-\(customer),\(step >= 5 ? "user-\(customer)" : ""),web,\(step * 10)\n"
        }
        return text
    }

    @Test("exit status, JSON summary, customers and forget")
    func commands() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("""
            timestamp,type,event,messageId,anonymousId,userId,email
            2026-01-05T10:00:00Z,track,Viewed,1,a1,,
            2026-01-05T10:01:00Z,identify,,2,a1,u1,maya@example.com
            2026-01-06T10:00:00Z,track,Viewed,3,a2,,

            """, to: "good.csv")
        try directory.write("timestamp,event,anonymousId\nnot-a-time,Viewed,a3\n", to: "bad.csv")
        let clean = try await wayfinder("import", "good.csv", "--db", "w.db", in: directory)
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout.contains("Imported 3 events (0 duplicates skipped, 0 quarantined)"))
        let quarantined = try await wayfinder("import", "good.csv", "bad.csv", "--db", "w.db", "--format", "json", in: directory)
        #expect(quarantined.status == 3, "\(quarantined)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(quarantined.stdout.utf8)) as? [String: Any])
        #expect(summary["imported"] as? Int == 0 && summary["duplicates"] as? Int == 3 && summary["quarantined"] as? Int == 1)
        #expect((summary["quarantine_file"] as? String)?.hasSuffix("w.db.quarantine.default.ndjson") == true)

        let list = try await wayfinder("customers", "--db", "w.db", "--format", "json", in: directory)
        let page = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect(page["total"] as? Int == 2)
        #expect((page["customers"] as? [Any])?.count == 2)
        let maya = try await wayfinder("customers", "MAYA@example.com", "--db", "w.db", in: directory)
        #expect(maya.status == 0 && maya.stdout.contains("email:maya@example.com") && maya.stdout.contains("Viewed"), "\(maya)")
        let unknown = try await wayfinder("customers", "nobody", "--db", "w.db", in: directory)
        #expect(unknown.status == 1 && !unknown.stderr.contains("nobody"), "messages never echo identifiers")
        let forget = try await wayfinder("forget", "u1", "--db", "w.db", in: directory)
        #expect(forget.status == 0 && forget.stdout.hasPrefix("Erased cus_1: 2 events, 3 identifiers"), "\(forget)")
        let after = try await wayfinder("customers", "--db", "w.db", "--format", "json", in: directory)
        #expect((try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["total"] as? Int == 1)
        let usage = try await wayfinder("import", "--db", "w.db", in: directory)
        #expect(usage.status == 2)
        let missing = try await wayfinder("import", "nope.csv", "--db", "w.db", in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("no such file"))
    }

    @Test("a killed import loses nothing it acknowledged, and a rerun completes it without duplicates")
    func killedImport() async throws {
        let directory = try TemporaryDirectory()
        let count = 150_000
        try directory.write(Self.bigCSV(count: count), to: "big.csv")
        let process = try ChildProcess(try WayfinderProcess.executableURL().path, ["import", "big.csv", "--db", "k.db", "--verbose"],
                                       environment: ProcessInfo.processInfo.environment, directory: directory.path)
        // Read acknowledgements until two batches are committed, then kill without warning.
        var acknowledged = 0
        var buffer = ""
        let handle = process.error
        while acknowledged == 0 || buffer.components(separatedBy: "committed").count < 3 {
            let data = handle.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.hasPrefix("committed ") {
                acknowledged = max(acknowledged, Int(line.split(separator: " ")[1]) ?? 0)
            }
        }
        process.send(SIGKILL)
        let ending = process.wait()
        try? process.output.close()
        try? process.error.close()
        #expect(ending.signalled, "the import finished before it could be killed; make the input larger")
        #expect(acknowledged > 0)

        let check = try await WayfinderProcess.run(["customers", "--db", "k.db", "--format", "json"], in: directory.path)
        #expect(check.status == 0, "the store opens after a kill: \(check)")
        let sqlite = { (sql: String) throws -> String in
            try ChildProcess.run("/usr/bin/sqlite3", [directory.path("k.db"), sql]).text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try sqlite("PRAGMA integrity_check") == "ok")
        let stored = Int(try sqlite("SELECT count(*) FROM events")) ?? -1
        #expect(stored >= acknowledged, "every acknowledged event survived the kill")
        #expect(try sqlite("SELECT sum(imported) FROM sources") == String(stored), "the running counts commit with the events")

        let rerun = try await wayfinder("import", "big.csv", "--db", "k.db", "--format", "json", in: directory)
        #expect(rerun.status == 0, "\(rerun)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any])
        #expect(summary["imported"] as? Int == count - stored)
        #expect(summary["duplicates"] as? Int == stored)
        #expect(try sqlite("SELECT count(*) FROM events") == String(count))
        #expect(try sqlite("SELECT count(*) FROM customers WHERE merged_into IS NULL") == String(count / 10))
    }

    @Test("generate --scenario omnichannel writes six tools' exports that one import command reads, as its summary says, into the planted customers")
    func omnichannelExports() async throws {
        let directory = try TemporaryDirectory()
        let generate = try await wayfinder("generate", "--scenario", "omnichannel", "--customers", "300", "--seed", "2", "--out", "omni", in: directory)
        #expect(generate.status == 0, "\(generate)")
        let files = ["ga4-events.ndjson", "hubspot-contacts.csv", "mailchimp-activity.ndjson", "zendesk-tickets.csv", "typeform-responses.csv", "social-mentions.csv"]
        let question = "How likely are you to recommend Ledgerly to a friend or colleague?", comment = "What is the main reason for your score?"
        for file in files { #expect(generate.stdout.contains("omni/\(file)"), "the summary and the next command name \(file)") }
        #expect(generate.stdout.contains("--question \"\(question)\"") && generate.stdout.contains("--comment \"\(comment)\""))
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path("omni/truth.json")))) as? [String: Any])

        let imported = try await wayfinder(["import", "--db", "w.db", "--question", question, "--comment", comment, "--format", "json"] + files.map { "omni/\($0)" }, in: directory)
        #expect(imported.status == 0, "\(imported)")
        for (file, preset) in zip(files, ["ga4", "hubspot-contacts", "mailchimp", "zendesk", "typeform", "social"]) {
            #expect(imported.stderr.contains("\(file): read with the \(preset) preset"), "\(file)")
        }
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        #expect(summary["imported"] as? Int == truth["events"] as? Int && summary["quarantined"] as? Int == 0)
        let customers = try await wayfinder("customers", "--db", "w.db", "--format", "json", "--limit", "1000", in: directory)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(customers.stdout.utf8)) as? [String: Any])
        #expect(list["total"] as? Int == truth["customers"] as? Int, "\(list.keys)")

        // The other scenarios keep their own format, and their next command names their file.
        let retail = try await wayfinder("generate", "--scenario", "retail", "--customers", "20", "--out", "retail", in: directory)
        #expect(retail.status == 0 && retail.stdout.contains("wayfinder import retail/events.csv"), "\(retail)")
        // A folder of real exports with those names, without a truth file, is not generated data.
        try directory.write("Record ID,Email\n", to: "mine/hubspot-contacts.csv")
        let beside = try await wayfinder("generate", "--scenario", "omnichannel", "--customers", "10", "--out", "mine", in: directory)
        #expect(beside.status != 0 && beside.stderr.contains("which no earlier 'wayfinder generate' wrote"), "\(beside)")
        #expect(try String(contentsOfFile: directory.path("mine/hubspot-contacts.csv"), encoding: .utf8) == "Record ID,Email\n", "the real export is untouched")

        // The format belongs to the scenario.
        let wrong = try await wayfinder("generate", "--scenario", "retail", "--customers", "10", "--format", "exports", in: directory)
        #expect(wrong.status != 0 && wrong.stderr.contains("only the omnichannel scenario is written as tool exports"), "\(wrong)")
        let groups = try await wayfinder("generate", "--scenario", "omnichannel", "--customers", "10", "--groups", "3", in: directory)
        #expect(groups.status != 0 && groups.stderr.contains("--groups applies to"), "\(groups)")
        let again = try await wayfinder("generate", "--scenario", "omnichannel", "--customers", "10", "--out", "omni", in: directory)
        #expect(again.status != 0 && again.stderr.contains("already holds generated data"), "an earlier export is never overwritten silently: \(again)")
    }
}
