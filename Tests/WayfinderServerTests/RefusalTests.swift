import Foundation
import HTTPTypes
import JourneyStore
import HummingbirdTesting
import NIOCore
import Testing
import WayfinderServer
import WayfinderTesting

/// A request the server must refuse, and how.
struct RefusalCase: CustomTestStringConvertible, Sendable {
    var name: String
    var route = "/v1/batch"
    var body: String
    var contentType: String? = "application/json"
    var status: Int
    var code: String
    /// Text the message must hold (the field path, what to do).
    var message: [String]
    /// Field paths of the problems listed.
    var problems: [String] = []
    var testDescription: String { name }
}

@Suite("Refusals")
struct RefusalTests {
    static let time = "2026-05-01T12:00:00Z"
    static var good: [String: Any] { ["type": "track", "userId": "secret-customer-7", "event": "Viewed", "timestamp": time] }

    static func batch(_ messages: [[String: Any]]) -> String { json(["batch": messages]) }

    static let cases: [RefusalCase] = [
        RefusalCase(name: "a bad timestamp in a batch", body: batch([good, good.merging(["timestamp": "yesterday-at-noon-7731"]) { $1 }]),
                    status: 400, code: "invalid_event", message: ["batch[1].timestamp:", "ISO 8601", "fix the event and send it again"],
                    problems: ["batch[1].timestamp"]),
        RefusalCase(name: "every bad message listed", body: json(["batch": [good.merging(["type": "purchase-7731"]) { $1 }, good, ["type": "track", "timestamp": time, "event": "X"], "not an object"] as [Any]]),
                    status: 400, code: "invalid_event", message: ["batch[0].type:", "3 messages have problems"],
                    problems: ["batch[0].type", "batch[2].userId", "batch[3]"]),
        RefusalCase(name: "a track without an event name", route: "/v1/track", body: json(["userId": "secret-customer-7", "timestamp": time]),
                    status: 400, code: "invalid_event", message: ["event:", "needs an event name"], problems: ["event"]),
        RefusalCase(name: "a feedback score out of range", route: "/v1/feedback",
                    body: json(["userId": "secret-customer-7", "timestamp": time, "properties": ["metric": "nps", "score": 11]]),
                    status: 400, code: "invalid_event", message: ["properties.score:", "from 0 to 10"], problems: ["properties.score"]),
        RefusalCase(name: "a feedback metric that does not exist", route: "/v1/feedback",
                    body: json(["userId": "secret-customer-7", "timestamp": time, "properties": ["metric": "stars-7731", "score": 4]]),
                    status: 400, code: "invalid_event", message: ["properties.metric:", "nps, csat, ces or text"], problems: ["properties.metric"]),
        RefusalCase(name: "an identify sent to /v1/track", route: "/v1/track", body: json(["type": "identify", "userId": "secret-customer-7", "timestamp": time]),
                    status: 400, code: "invalid_event", message: ["type:", "/v1/identify"], problems: ["type"]),
        RefusalCase(name: "a batch without a batch list", body: json(["messages": [good]]),
                    status: 400, code: "invalid_request", message: [#""batch""#]),
        RefusalCase(name: "a single route given a list", route: "/v1/page", body: "[1, 2]",
                    status: 400, code: "invalid_request", message: ["one JSON object"]),
        RefusalCase(name: "malformed JSON", body: "{\"batch\": [\n{\"type\": \"track\",, }]}",
                    status: 400, code: "invalid_json", message: ["line 2, column", "send one JSON object"]),
        RefusalCase(name: "an empty body", body: "", status: 400, code: "invalid_json", message: ["empty"]),
        RefusalCase(name: "a form instead of JSON", body: "userId=secret-customer-7", contentType: "application/x-www-form-urlencoded",
                    status: 415, code: "unsupported_media_type", message: ["Content-Type: application/json"]),
    ]

    @Test("bad requests are refused whole with the error shape, the field path and what to do, and nothing is stored", arguments: cases)
    func refused(_ refusal: RefusalCase) async throws {
        let harness = try await ServerHarness()
        let answer = try await harness.test { client in
            try await client.post(refusal.route, refusal.body, key: .basic(harness.write), contentType: refusal.contentType)
        }
        #expect(answer.status == refusal.status, "\(answer)")
        #expect(answer.errorCode == refusal.code, "\(answer)")
        let error = try #require(answer.json["error"] as? [String: Any])
        #expect(error["status"] as? Int == refusal.status)
        let message = try #require(answer.errorMessage)
        for part in refusal.message { #expect(message.contains(part), "\(message)") }
        #expect(answer.problems.compactMap { $0["field"] as? String } == refusal.problems)
        // Never the values that were sent.
        #expect(!answer.text.contains("secret-customer-7") && !answer.text.contains("7731"), "\(answer.text)")
        #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
        #expect(try await harness.store.data.counts().events == 0)
        #expect(try await harness.store.data.counts().customers == 0)
    }

    enum Credential: String, CaseIterable, Sendable {
        case missing, wrong, revoked, read
    }

    @Test("a missing, unknown, revoked or read-only key is refused with 401, in the header or the body", arguments: Credential.allCases, [true, false])
    func unauthorized(_ credential: Credential, basic: Bool) async throws {
        let harness = try await ServerHarness()
        let secret: String? = switch credential {
        case .missing: nil
        case .wrong: "wf_" + String(repeating: "x", count: 43)
        case .revoked: harness.revoked
        case .read: harness.read
        }
        let body = json(["batch": [Self.good, Self.good]])
        let (answer, metrics) = try await harness.test { client in
            let answer = try await client.post("/v1/batch", body, key: secret.map { basic ? .basic($0) : .body($0) } ?? .none)
            return (answer, try await client.get("/metrics").text)
        }
        #expect(answer.status == 401, "\(answer)")
        let expected = ["missing": "missing_key", "wrong": "invalid_key", "revoked": "revoked_key", "read": "key_not_allowed"][credential.rawValue]
        #expect(answer.errorCode == expected)
        #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
        if let secret { #expect(!answer.text.contains(secret)) }
        #expect(try await harness.store.data.counts().events == 0)
        // Refused before the body is read (Basic) the batch counts as one event, else as its two.
        #expect(metric(metrics, "wayfinder_events_rejected_total") == (basic && secret != nil ? 1 : 2))
    }

    @Test("an Authorization header that is not Basic is refused with 401 and what to send instead", arguments: ["Bearer abc", "Basic !!!not-base64", "Digest x"])
    func malformedAuthorization(_ header: String) async throws {
        let harness = try await ServerHarness()
        let body = json(Self.good)
        let response = try await harness.test { client in
            try await client.executeRequest(uri: "/v1/track", method: .post, headers: [.authorization: header, .contentType: "application/json"],
                                            body: ByteBuffer(string: body))
        }
        let answer = Answer(response)
        #expect(answer.status == 401)
        #expect(answer.errorMessage?.contains("user name") == true, "\(answer)")
    }

    @Test("an event over 32 KB is refused with 413, the whole request with it")
    func eventTooLarge() async throws {
        let harness = try await ServerHarness()
        let big = Self.good.merging(["properties": ["blob": String(repeating: "x", count: 33 * 1024)]]) { $1 }
        let body = Self.batch([Self.good, big])
        // Just under the limit is taken.
        let fitting = json(Self.good.merging(["properties": ["blob": String(repeating: "x", count: 31 * 1024)]]) { $1 })
        let (answer, taken) = try await harness.test { client in
            let answer = try await client.post("/v1/batch", body, key: .basic(harness.write))
            #expect(try await harness.store.data.counts().events == 0)
            return (answer, try await client.post("/v1/track", fitting, key: .basic(harness.write)))
        }
        #expect(answer.status == 413, "\(answer)")
        #expect(answer.errorCode == "too_large")
        #expect(answer.errorMessage?.contains("batch[1]") == true)
        #expect(answer.errorMessage?.contains("32 KB") == true)
        #expect(taken.status == 200, "\(taken)")
        #expect(try await harness.store.data.counts().events == 1)
    }

    @Test("a request over 500 KB is refused with 413, compressed or not, and nothing of it is stored", arguments: [nil, "gzip"])
    func requestTooLarge(_ encoding: String?) async throws {
        let harness = try await ServerHarness()
        // 40 events of 15 KB: each under the event limit, together 600 KB.
        let events = (0..<40).map { Self.good.merging(["messageId": "big\($0)", "properties": ["blob": String(repeating: "y", count: 15 * 1024)]]) { $1 } }
        let body = Array(Self.batch(events).utf8)
        let answer = try await harness.test { client in
            try await client.post("/v1/batch", "", key: .basic(harness.write), encoding: encoding,
                                  body: encoding == nil ? body : TestCompression.compress(body))
        }
        #expect(answer.status == 413, "\(answer)")
        #expect(answer.errorCode == "too_large")
        #expect(answer.errorMessage?.contains("500 KB") == true)
        #expect(try await harness.store.data.counts().events == 0)
    }

    @Test("a batch of more than 2,500 messages is refused with 413")
    func tooManyMessages() async throws {
        let harness = try await ServerHarness()
        let tiny: [String: Any] = ["type": "track", "userId": "u", "event": "E", "timestamp": 1_777_000_000]
        let body = Self.batch(Array(repeating: tiny, count: 2_501))
        let answer = try await harness.test { client in try await client.post("/v1/batch", body, key: .basic(harness.write)) }
        #expect(answer.status == 413, "\(answer)")
        #expect(answer.errorMessage?.contains("2501 messages") == true)
        #expect(try harness.store.data.counts().events == 0)
    }

    @Test("an unknown path is 404 and a known path with another method 405 with Allow, both in the error shape")
    func routing() async throws {
        let harness = try await ServerHarness()
        let (missing, wrongMethod, postHealth) = try await harness.test { client in
            let missing = try await client.get("/v2/track")
            let wrongMethod = try await client.get("/v1/batch")
            let postHealth = Answer(try await client.executeRequest(uri: "/health", method: .post, headers: [:], body: nil))
            return (missing, wrongMethod, postHealth)
        }
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(missing.errorMessage?.contains("/v1/batch") == true)
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == "method_not_allowed")
        #expect(wrongMethod.headers[.allow] == "POST")
        #expect(postHealth.status == 405)
        #expect(postHealth.headers[.allow] == "GET")
    }
}
