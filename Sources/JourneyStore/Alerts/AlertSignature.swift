import Crypto
import Foundation

/// How alert deliveries are signed, and how a receiver checks them.
///
/// Every delivery carries `X-Wayfinder-Timestamp: <unix seconds>` and
/// `X-Wayfinder-Signature: sha256=<hex>`, where the hex is HMAC-SHA256, keyed with the rule's
/// secret, over the UTF-8 bytes of `<timestamp>.<body>`: the timestamp header, a full stop, and
/// the exact body. A receiver recomputes it over the raw body it read (before any JSON parsing),
/// compares in constant time, and refuses a timestamp more than five minutes from its clock, so a
/// captured request cannot be replayed later; `X-Wayfinder-Delivery` names the delivery, to drop a
/// repeat within those minutes.
public enum AlertSignature {
    /// The header with the signature.
    public static let signatureHeader = "X-Wayfinder-Signature"
    /// The header with the signing time, in seconds since 1970.
    public static let timestampHeader = "X-Wayfinder-Timestamp"
    /// The header with the delivery's number.
    public static let deliveryHeader = "X-Wayfinder-Delivery"
    /// How far a timestamp may be from the receiver's clock, in seconds.
    public static let tolerance: Int64 = 300

    /// `sha256=<hex>` of `<timestamp>.<body>` keyed with `secret`.
    public static func sign(body: [UInt8], timestamp: Int64, secret: String) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the signature of `body` at `timestamp` with `secret`, and the
    /// timestamp is within ``tolerance`` of `now`.
    public static func verify(body: [UInt8], timestamp: String?, signature: String?, secret: String, now: Date = Date()) -> Bool {
        guard let timestamp, let seconds = Int64(timestamp), let signature else { return false }
        guard abs(Int64(now.timeIntervalSince1970) - seconds) <= tolerance else { return false }
        let expected = Array(sign(body: body, timestamp: seconds, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}
