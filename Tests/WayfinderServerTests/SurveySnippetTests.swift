import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import NIOCore
import Testing
import WayfinderServer
import WayfinderTesting

/// The node binary, when one is installed.
let nodePath: String? = ["/usr/bin/node", "/usr/local/bin/node", "/opt/homebrew/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

@Suite("Survey snippet")
struct SurveySnippetTests {
    @Test("survey.js is plain JavaScript with no external assets, and accessible markup")
    func script() async throws {
        let harness = try ServerHarness()
        let answer = try await harness.test { client in try await client.get("/survey.js") }
        #expect(answer.status == 200)
        #expect(answer.headers[.contentType] == "text/javascript; charset=utf-8")
        #expect(answer.text == SurveyScript.source)
        for external in ["http://", "https://", "@import", "url(", "<link"] { #expect(!answer.text.contains(external), "\(external)") }
        for accessible in ["role: \"radiogroup\"", "\"aria-live\": \"polite\"", "element(document, \"legend\"", "\"for\": id + \"-text\"",
                           "type: \"radio\"", "credentials: \"omit\""] {
            #expect(answer.text.contains(accessible), "\(accessible)")
        }
    }

    @Test("the demo page embeds the script with its query values escaped")
    func demo() async throws {
        let harness = try ServerHarness()
        let answer = try await harness.test { client in
            try await client.get("/survey/demo?writeKey=wf_x%22%3E%3Cscript%3E&metric=csat&touchpoint=checkout")
        }
        #expect(answer.status == 200)
        #expect(answer.text.contains(#"<script src="/survey.js" data-write-key="wf_x&quot;&gt;&lt;script&gt;" data-metric="csat" data-touchpoint="checkout""#))
        #expect(!answer.text.contains("wf_x\"><script>"))
    }

    @Test("/v1/* answers a CORS preflight from any origin without credentials, and collection answers carry the origin header")
    func cors() async throws {
        let harness = try ServerHarness()
        try await harness.test { client in
            let preflight = try await client.executeRequest(uri: "/v1/feedback", method: .options,
                                                            headers: [.origin: "https://shop.example", .accessControlRequestMethod: "POST",
                                                                      .accessControlRequestHeaders: "content-type"], body: nil)
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "*")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)
            let refused = try await client.post("/v1/feedback", "{}", key: .none)
            #expect(refused.status == 401)
            #expect(refused.headers[.accessControlAllowOrigin] == "*")
            let health = try await client.get("/health")
            #expect(health.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("the request the script builds is the documented one, and the server stores it as feedback", .enabled(if: nodePath != nil))
    func requestThroughNode() async throws {
        let harness = try ServerHarness()
        let directory = try TemporaryDirectory(prefix: "wayfinder-survey")
        try await harness.test { client in try await requestThroughNode(harness: harness, directory: directory, client: client) }
    }

    func requestThroughNode(harness: ServerHarness, directory: TemporaryDirectory, client: any TestClientProtocol) async throws {
        let served = try await client.get("/survey.js")
        let file = directory.path("survey.js")
        try Data(served.text.utf8).write(to: URL(fileURLWithPath: file))
        let program = """
            const survey = require(process.argv[1]);
            const options = { endpoint: "http://127.0.0.1:8080/", writeKey: process.argv[2], metric: "nps", touchpoint: "checkout", userId: "u-42", anonymousId: "anon-7" };
            const request = survey.buildFeedbackRequest(options, { score: 3, text: " Too slow ", timestamp: "2026-05-01T12:00:00.000Z", messageId: "survey-1" });
            let refused = "";
            try { survey.buildFeedbackRequest(options, { score: 11 }); } catch (error) { refused = error.message; }
            process.stdout.write(JSON.stringify({ request, refused }));
            """
        let output = try runNode(program, arguments: [file, "wf_example"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let request = try #require(result["request"] as? [String: Any])
        #expect(request["url"] as? String == "http://127.0.0.1:8080/v1/feedback")
        #expect(request["method"] as? String == "POST")
        #expect((request["headers"] as? [String: String]) == ["Content-Type": "application/json"])
        #expect(request["body"] as? String == SurveyScript.exampleRequestBody)
        #expect((result["refused"] as? String)?.contains("from 0 to 10") == true)

        // The same body, with this store's write key, as the browser would send it.
        let body = try #require(request["body"] as? String).replacingOccurrences(of: "wf_example", with: harness.write)
        let answer = try await client.post("/v1/feedback", body, key: .none)
        #expect(answer.status == 200, "\(answer)")
        #expect(try harness.store.counts().feedback == 1)
        let events = try harness.timeline("u-42")
        #expect(events.map(\.type) == ["feedback"])
        #expect(events.first?.message.contains(#""touchpoint":"checkout""#) == true)
        #expect(try harness.customer("anon-7")?.identifiers == ["anonymous:anon-7", "user:u-42"])
    }

    func runNode(_ program: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: nodePath!)
        process.arguments = ["-e", program, "--"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
