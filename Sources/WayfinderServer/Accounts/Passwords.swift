import Dispatch
import HummingbirdBcrypt

/// bcrypt on a dispatch queue, off the event loops and the cooperative pool, since one hash
/// takes tens of milliseconds by design.
enum Passwords {
    /// The bcrypt cost used for `cost`: at least 10, at most bcrypt's 31.
    static func effectiveCost(_ cost: UInt8) -> UInt8 { min(max(cost, 10), 31) }

    /// A bcrypt hash of `password` at `cost`.
    static func hash(_ password: String, cost: UInt8) async -> String {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Bcrypt.hash(password, cost: effectiveCost(cost)))
            }
        }
    }

    /// Whether `password` matches `hash`.
    static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Bcrypt.verify(password, hash: hash))
            }
        }
    }

    /// A hash no password matches, verified for unknown emails so that they take as long as known
    /// ones: it has the cost of the accounts' hashes (`AccountSettings.passwordCost`), and
    /// bcrypt's work grows with the cost alone.
    static func decoy(cost: UInt8) -> String {
        let rounds = effectiveCost(cost)
        return "$2b$" + (rounds < 10 ? "0" : "") + String(rounds) + "$abcdefghijklmnopqrstuu5N7gM2A1n1t3z0pTzvx1c8mJ6Z1pW3a"
    }

    /// Bytes of a password: all that bcrypt reads.
    static let maximumBytes = 72

    /// Why a new password is refused, or nil when it is acceptable.
    static func problem(_ password: String, minimumLength: Int) -> String? {
        if password.count < minimumLength { return "password: use at least \(minimumLength) characters; a passphrase of several words is easy to remember" }
        if password.utf8.count > maximumBytes { return "password: bcrypt reads at most \(maximumBytes) bytes; use a shorter password" }
        if password.unicodeScalars.contains("\u{0}") { return "password: remove the NUL character" }
        return nil
    }
}
