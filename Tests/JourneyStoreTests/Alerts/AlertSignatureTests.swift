import Foundation
import JourneyStore
import Testing

@Suite("Alert signature")
struct AlertSignatureTests {
    static let body = Array(#"{"type":"wayfinder.alert"}"#.utf8)
    /// Computed with Python's hmac: hmac.new(b"whsec_test-secret", b"1779000000." + body, hashlib.sha256).hexdigest().
    static let reference = "sha256=32cdf5ab19f304fa49330a1eb3b4e3a2be83e3b908f42c4ccc91fc558b602172"

    @Test("the signature is HMAC-SHA256 over timestamp, full stop and body, as an independent implementation computes it")
    func reference() {
        #expect(AlertSignature.sign(body: Self.body, timestamp: 1_779_000_000, secret: "whsec_test-secret") == Self.reference)
    }

    @Test("verification refuses a changed body, secret or timestamp, a stale timestamp and a malformed header", arguments: [
        ("body", false), ("secret", false), ("timestamp", false), ("stale", false), ("malformed", false), ("none", true),
    ])
    func verify(_ change: String, _ valid: Bool) {
        let now = Date(timeIntervalSince1970: 1_779_000_100)
        var body = Self.body
        var secret = "whsec_test-secret"
        var timestamp = "1779000000"
        var signature = Self.reference
        var clock = now
        switch change {
        case "body": body[3] ^= 0x20
        case "secret": secret += "x"
        case "timestamp": timestamp = "1779000001"
        case "stale": clock = now.addingTimeInterval(301)
        case "malformed": signature = "sha256=" + String(repeating: "0", count: 10)
        default: break
        }
        #expect(AlertSignature.verify(body: body, timestamp: timestamp, signature: signature, secret: secret, now: clock) == valid)
    }
}
