import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder alerts")
struct AlertsCommandTests {
    /// A store holding the retail template as workspace `shop`, loaded by `wayfinder serve --workspace`.
    func shopStore(in directory: TemporaryDirectory) async throws {
        let workspace = try await initWorkspace("retail", in: directory, folder: "maps")
        let server = try RunningWayfinder(["serve", "--db", directory.path("w.db"), "--port", "0", "--workspace", workspace, "--workspace-id", "shop"])
        #expect(server.waitFor("server listening", on: .error))
        #expect(server.stop(SIGTERM).status == 0)
    }

    @Test("alerts add prints a made secret once, list never shows it, deliveries starts empty, remove removes")
    func lifecycle() async throws {
        let directory = try TemporaryDirectory()
        try await shopStore(in: directory)
        let added = try await wayfinder("alerts", "add", "--db", "w.db", "--workspace", "shop", "--map", "first-purchase", "--kind", "negative-feedback",
                                        "--url", "https://hooks.example.com/wayfinder", "--format", "json", in: directory)
        #expect(added.status == 0, "\(added)")
        let created = try jsonObject(added.stdout)
        let secret = try #require(created["secret"] as? String)
        #expect(secret.hasPrefix("whsec_") && secret.count == 49)
        let rule = try #require(created["rule"] as? [String: Any])
        #expect(rule["kind"] as? String == "negative-feedback" && rule["map"] as? String == "first-purchase" && rule["id"] as? Int == 1)

        let stay = try await wayfinder("alerts", "add", "--db", "w.db", "--workspace", "shop", "--map", "first-purchase", "--kind", "stage-stay",
                                       "--stage", "decision", "--days", "7", "--url", "https://hooks.example.com/w", "--secret", "given-secret-0123456789",
                                       in: directory)
        #expect(stay.status == 0, "\(stay)")
        #expect(stay.stdout.contains("Added alert rule 2 (stage-stay)"))
        #expect(!stay.stdout.contains("given-secret-0123456789"), "a given secret is not echoed")

        let list = try await wayfinder("alerts", "list", "--db", "w.db", in: directory)
        #expect(list.status == 0)
        #expect(list.stdoutLines.count == 2)
        #expect(list.stdoutLines[1].contains("stage-stay decision > 7.0 days"))
        #expect(!list.stdout.contains(secret) && !list.stdout.contains("given-secret"))

        let deliveries = try await wayfinder("alerts", "deliveries", "--db", "w.db", in: directory)
        #expect(deliveries.status == 0)
        #expect(deliveries.stdout.contains("No alert deliveries in w.db."))

        let removed = try await wayfinder("alerts", "remove", "--db", "w.db", "1", in: directory)
        #expect(removed.status == 0)
        let json = try jsonObject(try await wayfinder("alerts", "list", "--db", "w.db", "--format", "json", in: directory).stdout)
        #expect((json["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [2])
    }

    @Test("alerts refuse what cannot work, saying what to type", arguments: [
        (["--kind", "stage-stay", "--url", "https://x.example/h"], Int32(2), "--days"),
        (["--kind", "friction-touchpoint", "--url", "https://x.example/h"], Int32(2), "--touchpoint"),
        (["--kind", "negative-feedback", "--url", "https://x.example/h", "--days", "3"], Int32(2), "stage-stay only"),
        (["--kind", "friction-touchpoint", "--touchpoint", "nowhere", "--url", "https://x.example/h"], Int32(1), "no touchpoint 'nowhere'"),
        (["--kind", "negative-feedback", "--url", "mailto:a@b.c"], Int32(1), "http or https"),
        (["--kind", "negative-feedback", "--url", "https://x.example/h", "--secret", "short"], Int32(1), "16 to 200 characters"),
        (["--kind", "page-views", "--url", "https://x.example/h"], Int32(2), "negative-feedback"),
        (["--kind", "at-risk", "--url", "https://x.example/h"], Int32(2), "--from-odds"),
        (["--kind", "at-risk", "--from-odds", "--risk-below", "1.5", "--url", "https://x.example/h"], Int32(2), "0 to 1"),
        (["--kind", "stage-stay", "--days", "3", "--from-odds", "--url", "https://x.example/h"], Int32(2), "at-risk only"),
    ])
    func refusals(_ arguments: [String], status: Int32, message: String) async throws {
        let directory = try TemporaryDirectory()
        try await shopStore(in: directory)
        let output = try await wayfinder(["alerts", "add", "--db", "w.db", "--workspace", "shop", "--map", "first-purchase"] + arguments, in: directory)
        #expect(output.status == status, "\(output)")
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }

    @Test("--from-friction takes the touchpoints of the top findings of 'analyze friction' over the stored events")
    func fromFriction() async throws {
        let directory = try TemporaryDirectory()
        try await shopStore(in: directory)
        #expect(try await wayfinder("generate", "--scenario", "retail", "--customers", "400", "--seed", "3", "--out", "data", in: directory).status == 0)
        #expect(try await wayfinder("import", "data/events.csv", "--db", "w.db", in: directory).status == 0)
        let analysis = try await wayfinder("analyze", "friction", "--workspace", "maps", "--journey", "first-purchase", "--db", "w.db", "--format", "json",
                                           in: directory)
        let findings = try #require((try jsonObject(analysis.stdout)["friction"] as? [String: Any])?["findings"] as? [[String: Any]])
        var expected: [String] = []
        for finding in findings {
            guard let touchpoint = finding["touchpoint"] as? String ?? finding["to"] as? String, !expected.contains(touchpoint) else { continue }
            expected.append(touchpoint)
        }
        #expect(expected.count >= 2, "\(findings)")
        let added = try await wayfinder("alerts", "add", "--db", "w.db", "--workspace", "shop", "--map", "first-purchase", "--kind", "friction-touchpoint",
                                        "--from-friction", "2", "--url", "https://hooks.example.com/f", "--format", "json", in: directory)
        #expect(added.status == 0, "\(added)")
        let rule = try #require(try jsonObject(added.stdout)["rule"] as? [String: Any])
        #expect(rule["touchpoints"] as? [String] == Array(expected.prefix(2)))
    }

    @Test("--from-odds takes the touchpoints whose odds 'analyze next-best' puts under --risk-below")
    func fromOdds() async throws {
        let directory = try TemporaryDirectory()
        try await shopStore(in: directory)
        #expect(try await wayfinder("generate", "--scenario", "retail", "--customers", "400", "--seed", "3", "--out", "data", in: directory).status == 0)
        #expect(try await wayfinder("import", "data/events.csv", "--db", "w.db", in: directory).status == 0)
        let analysis = try await wayfinder("analyze", "next-best", "--workspace", "maps", "--journey", "first-purchase", "--db", "w.db", "--limit", "0",
                                           "--format", "json", in: directory)
        let rows = try #require((try jsonObject(analysis.stdout)["next_best"] as? [String: Any])?["touchpoints"] as? [[String: Any]])
        let expected = rows.filter { ($0["odds"] as? Double ?? 1) < 0.3 }.compactMap { $0["id"] as? String }
        #expect(!expected.isEmpty && expected.count < rows.count, "\(rows)")
        let added = try await wayfinder("alerts", "add", "--db", "w.db", "--workspace", "shop", "--map", "first-purchase", "--kind", "at-risk",
                                        "--from-odds", "--risk-below", "0.3", "--url", "https://hooks.example.com/f", "--format", "json", in: directory)
        #expect(added.status == 0, "\(added)")
        let rule = try #require(try jsonObject(added.stdout)["rule"] as? [String: Any])
        #expect(rule["touchpoints"] as? [String] == expected && rule["kind"] as? String == "at-risk")
    }

    @Test("alerts --help teaches the rule kinds and the signature")
    func help() async throws {
        let output = try await wayfinder("alerts", "--help")
        for text in ["negative-feedback", "stage-stay", "friction-touchpoint", "at-risk", "--from-odds", "X-Wayfinder-Signature", "TIMESTAMP.BODY", "alerts add"] {
            #expect(output.stdout.contains(text), "\(text)")
        }
    }
}
