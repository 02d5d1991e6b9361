import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// Alert webhooks go to the public internet only, unless the operator allows other addresses:
/// refused with 400 (`url`) when a rule is added or turned on, and refused at delivery, after
/// DNS, as a failed attempt that posts nothing.
@Suite("Webhook addresses")
struct WebhookAddressTests {
    static let nonPublic = [
        "http://127.0.0.1/h", "http://127.1/h", "http://2130706433/h", "http://0x7f000001/h", "http://0177.0.0.1/h", "http://127.0.0.1:8080/h",
        "http://localhost/h", "http://LOCALHOST./h", "http://hooks.localhost/h", "http://0.0.0.0/h", "http://0/h",
        "http://10.1.2.3/h", "http://172.16.0.9/h", "http://172.31.255.255/h", "http://192.168.1.1/h", "http://100.64.0.1/h",
        "http://169.254.1.1/h", "http://169.254.169.254/latest/meta-data/", "http://224.0.0.1/h", "http://255.255.255.255/h", "http://240.0.0.1/h",
        "http://192.0.2.10/h", "http://198.18.0.1/h",
        "http://[::1]/h", "http://[::]/h", "http://[fe80::1]/h", "http://[fc00::1]/h", "http://[fd12:3456::1]/h", "http://[fd00:ec2::254]/h",
        "http://[ff02::1]/h", "http://[::ffff:127.0.0.1]/h", "http://[::ffff:10.0.0.1]/h", "http://[64:ff9b::a9fe:a9fe]/h",
        "http://[2002:7f00:1::]/h", "http://[2001:db8::1]/h", "http://[fe80::1%25lo]/h", "http://127.0.0.%31/h",
    ]
    static let public_ = ["https://hooks.example.com/wayfinder", "http://93.184.216.34/h", "https://[2606:4700:4700::1111]/h", "http://8.8.8.8:8080/h", "https://172.32.0.1/h"]

    // One server for every address: 37 servers and stores at once, beside the other suites,
    // only tested how the machine bears the load.
    @Test("a rule with a webhook on an address that is not public is refused with 400 naming url")
    func refusedOnCreation() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            for url in Self.nonPublic {
                let answer = try await client.call(.post, "/api/v1/workspaces/shop/alerts", json(["map": harness.mapID, "kind": "negative-feedback", "url": url]), as: admin)
                #expect(answer.status == 400, "\(url): \(answer)")
                #expect(answer.problems.first?["field"] as? String == "url", "\(url)")
                #expect(answer.errorMessage?.hasPrefix("url: ") == true, "\(url): \(answer)")
            }
            #expect(try await harness.store.alertRules().isEmpty)
        }
    }

    @Test("public webhooks are accepted; with --allow-private-webhooks, loopback and private ones too")
    func accepted() async throws {
        for (allow, urls) in [(false, Self.public_), (true, ["http://127.0.0.1:9/h", "http://10.1.2.3/h", "http://localhost/h"])] {
            let harness = try await APIHarness { $0.alerts.allowPrivateAddresses = allow }
            try await harness.test { client in
                let admin = try await client.signIn("admin@localhost")
                for url in urls {
                    let answer = try await client.call(.post, "/api/v1/workspaces/shop/alerts", json(["map": harness.mapID, "kind": "negative-feedback", "url": url]), as: admin)
                    #expect(answer.status == 201, "\(url): \(answer)")
                }
            }
        }
    }

    @Test("turning on a rule whose webhook is not public is refused; turning it off is not")
    func refusedOnEnabling() async throws {
        let harness = try await APIHarness()
        let rule = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: harness.mapID, kind: .negativeFeedback, url: "http://169.254.169.254/x")).rule
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            let path = "/api/v1/workspaces/shop/alerts/\(rule.id)"
            #expect(try await client.call(.patch, path, json(["enabled": false]), as: admin).status == 200)
            let on = try await client.call(.patch, path, json(["enabled": true]), as: admin)
            #expect(on.status == 400 && on.problems.first?["field"] as? String == "url", "\(on)")
            #expect(try await harness.store.alertRule(id: rule.id).enabled == false)
        }
    }

    @Test("a delivery to a host that is or resolves to a loopback address is refused, recorded as a failed attempt, and nothing is posted",
          arguments: ["127.0.0.1", "localhost"])
    func refusedAtDelivery(_ host: String) async throws {
        let receiver = AlertReceiver()
        let (logged, attemptLogged) = AsyncStream.makeStream(of: Int64.self)
        let harness = try await alertHarness { options in
            options.allowPrivateAddresses = false
            options.firstRetryDelay = .seconds(600)  // one attempt in this test
            options.attemptLogged = { attemptLogged.yield($0) }
        }
        try await receiver.run { url in
            // Added to the store directly, as 'wayfinder alerts add' does, which the API would have refused.
            let hook = url.replacingOccurrences(of: "127.0.0.1", with: host)
            let rule = try await harness.store.addAlertRule(AlertRuleDraft(workspace: "shop", map: "checkout", kind: .negativeFeedback, url: hook)).rule
            try await harness.test { client in
                let answer = json(["userId": "u-private", "timestamp": ISO8601DateFormatter().string(from: Date()), "properties": ["metric": "nps", "score": 1]])
                #expect(try await client.post("/v1/feedback", answer, key: .body(harness.write)).status == 200)
                var attempts = logged.makeAsyncIterator()
                let delivery = try #require(await attempts.next())
                let log = try await harness.store.alertAttempts(delivery: delivery)
                #expect(log.first?.statusCode == nil)
                #expect(log.first?.error?.hasPrefix("refused: ") == true, "\(log)")
                #expect(try await harness.store.alertDeliveries(rule: rule.id).first?.attempts == 1)
            }
        }
        #expect(receiver.received.isEmpty, "nothing was posted to the loopback receiver")
        #expect(harness.logs.lines.contains { $0.contains("alert not posted") && !$0.contains("127.0.0.1") && !$0.contains("localhost") }, "logged, without the URL")
    }

    @Test("address ranges", arguments: [
        ("8.8.8.8", nil), ("1.1.1.1", nil), ("172.32.0.1", nil), ("100.128.0.1", nil), ("2606:4700::1111", nil), ("2001:4860::8888", nil),
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"), ("::1", "loopback"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
        ("10.0.0.1", "private"), ("172.16.0.1", "private"), ("192.168.0.1", "private"), ("fc00::1", "private (unique local)"),
        ("169.254.0.1", "link-local"), ("fe80::1", "link-local"), ("169.254.169.254", "cloud metadata"), ("fd00:ec2::254", "cloud metadata"),
        ("224.0.0.251", "multicast"), ("ff02::fb", "multicast"), ("::ffff:192.168.1.1", "private"), ("64:ff9b::7f00:1", "loopback"),
        ("2002:c0a8:0101::1", "private"), ("2001:db8::1", "documentation"), ("100.64.0.1", "shared (carrier NAT)"), ("3fff::1", nil), ("4000::1", "reserved"),
    ] as [(String, String?)])
    func ranges(_ text: String, _ range: String?) throws {
        let address = try #require(IPAddress(text))
        #expect(address.nonPublicRange == range, "\(text)")
    }
}
