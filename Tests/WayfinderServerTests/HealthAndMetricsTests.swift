import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import Testing
import WayfinderServer
import WayfinderTesting

@Suite("Health, metrics and logs")
struct HealthAndMetricsTests {
    @Test("/health says ok, the version and that the store answers")
    func health() async throws {
        let harness = try await ServerHarness()
        let answer = try await harness.test { client in try await client.get("/health") }
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "ok")
        #expect(answer.json["version"] as? String == "9.9.9-test")
        #expect((answer.json["store"] as? [String: Any])?["ok"] as? Bool == true)
        #expect((answer.json["store"] as? [String: Any])?["backend"] as? String == "sqlite")
        #expect((answer.json["collection"] as? [String: Any])?["accepting"] as? Bool == true)
        let metrics = try await harness.test { client in try await client.get("/metrics") }
        #expect(metrics.text.contains("wayfinder_store_up{backend=\"sqlite\"} 1\n"), "\(metrics.text.suffix(300))")
    }

    @Test("/health is 503 once the writer has stopped taking events")
    func healthAfterStop() async throws {
        let harness = try await ServerHarness()
        let (health, refused) = try await harness.test { client in
            await harness.server.writer.stop()
            let health = try await client.get("/health")
            let refused = try await client.post("/v1/track", json(["userId": "u1", "event": "E"]), key: .basic(harness.write))
            return (health, refused)
        }
        #expect(health.status == 503)
        #expect(health.json["status"] as? String == "unavailable")
        #expect(refused.status == 503)
        #expect(refused.errorCode == "unavailable")
        #expect(refused.headers[.retryAfter] != nil)
    }

    @Test("/metrics counts requests by route and status, and events accepted, deduplicated, quarantined and rejected as sent")
    func metrics() async throws {
        let harness = try await ServerHarness()
        let time = "2026-05-01T12:00:00Z"
        // 7 new events, 3 sent again, 2 with a junk id only, 4 refused in a bad batch, 1 refused for a wrong key.
        let fresh = (0..<7).map { ["type": "track", "userId": "u\($0)", "event": "E", "messageId": "m\($0)", "timestamp": time] }
        let junk = (0..<2).map { ["type": "track", "userId": "null", "event": "E", "messageId": "j\($0)", "timestamp": time] }
        let bad = (0..<4).map { ["type": "track", "userId": "u\($0)", "event": "E", "timestamp": $0 == 3 ? "never" : time] }
        let first = json(["batch": Array(fresh.prefix(4))]), second = json(["batch": Array(fresh.suffix(3)) + Array(fresh.prefix(3)) + junk])
        let invalid = json(["batch": bad]), single = json(fresh[0])
        let (statuses, exposition) = try await harness.test { client in
            var statuses: [Int] = []
            statuses.append(try await client.post("/v1/batch", first, key: .basic(harness.write)).status)
            statuses.append(try await client.post("/v1/batch", second, key: .body(harness.write)).status)
            statuses.append(try await client.post("/v1/batch", invalid, key: .basic(harness.write)).status)
            statuses.append(try await client.post("/v1/track", single, key: .basic("wf_wrong")).status)
            statuses.append(try await client.get("/health").status)
            statuses.append(try await client.get("/nowhere").status)
            return (statuses, try await client.get("/metrics"))
        }
        #expect(statuses == [200, 200, 400, 401, 200, 404])
        #expect(exposition.status == 200)
        #expect(exposition.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = exposition.text
        #expect(metric(text, "wayfinder_events_accepted_total") == 7)
        #expect(metric(text, "wayfinder_events_deduplicated_total") == 3)
        #expect(metric(text, "wayfinder_events_quarantined_total") == 2)
        #expect(metric(text, "wayfinder_events_rejected_total") == 5)
        #expect(try harness.store.data.counts().events == 7)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/v1/batch",method="POST",status="200""#) == 2)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/v1/batch",method="POST",status="400""#) == 1)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/v1/track",method="POST",status="401""#) == 1)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/health",method="GET",status="200""#) == 1)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="unmatched",method="GET",status="404""#) == 1)
        #expect(metric(text, "wayfinder_http_request_duration_seconds_count", labels: #"route="/v1/batch""#) == 3)
        #expect(text.contains(#"wayfinder_http_request_duration_seconds_bucket{route="/v1/batch",le="0.05"}"#))
        #expect(metric(text, "wayfinder_store_commits_total") >= 1)
        #expect(text.contains("# HELP wayfinder_events_accepted_total"))
    }

    @Test("a known path asked with a wrong method is counted under its route's template: no share token or id in /metrics, one series for every value")
    func metricsHoldNoPathValues() async throws {
        let harness = try await ServerHarness()
        let paths = (0..<5).map { "/api/v1/shared/ws_secret-token-\($0)" } + ["/api/v1/workspaces/secret-workspace/maps/secret-map/"]
        let text = try await harness.test { client in
            for path in paths {
                let answer = Answer(try await client.executeRequest(uri: path, method: .patch, headers: [:], body: nil))
                #expect(answer.status == 405, "\(path): \(answer)")
            }
            return try await client.get("/metrics").text
        }
        #expect(!text.contains("secret"), "a path's values are in /metrics")
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/api/v1/shared/{token}",method="PATCH",status="405""#) == 5)
        #expect(metric(text, "wayfinder_http_requests_total", labels: #"route="/api/v1/workspaces/{workspace}/maps/{map}",method="PATCH",status="405""#) == 1)
    }

    @Test("logs name routes, codes and counts, never customer ids, property values or keys")
    func logsHoldNoCustomerData() async throws {
        let harness = try await ServerHarness()
        let secretValues = ["maya.okafor@example.com", "cust-991-private", "Card ending 4242", "property-secret-31337"]
        let messages: [[String: Any]] = [
            ["type": "identify", "userId": "cust-991-private", "traits": ["email": "maya.okafor@example.com"], "timestamp": "2026-05-01T12:00:00Z"],
            ["type": "track", "userId": "cust-991-private", "event": "Card ending 4242", "properties": ["note": "property-secret-31337"], "timestamp": "2026-05-01T12:00:01Z"],
        ]
        let good = json(["batch": messages])
        let bad = json(["batch": messages + [["type": "track", "userId": "cust-991-private", "timestamp": "bad"]]])
        let single = json(messages[1])
        let statuses = try await harness.test { client in
            let stored = try await client.post("/v1/batch", good, key: .basic(harness.write))
            let invalid = try await client.post("/v1/batch", bad, key: .basic(harness.write))
            let readKey = try await client.post("/v1/track", single, key: .basic(harness.read))
            let wrongKey = try await client.post("/v1/track", single, key: .body("wf_not-a-key-31337"))
            return [stored.status, invalid.status, readKey.status, wrongKey.status]
        }
        #expect(statuses == [200, 400, 401, 401])
        let lines = harness.logs.lines
        #expect(lines.contains { $0.contains("events collected") }, "\(lines)")
        #expect(lines.contains { $0.contains("collection request refused") && $0.contains("invalid_event") })
        for line in lines {
            for secret in secretValues + [harness.write, harness.read, "wf_not-a-key-31337"] {
                #expect(!line.contains(secret), "a log line holds '\(secret)': \(line)")
            }
        }
    }
}
