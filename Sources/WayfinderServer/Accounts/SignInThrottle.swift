import Foundation
import Synchronization

/// Slows down password guessing without locking anyone out, in memory.
///
/// Failed sign-ins are counted per client address (any email) and per email (any address;
/// an email with no account counts exactly like one with an account, so nothing tells them
/// apart). Once a count reaches its allowance, each further attempt must wait after the last
/// failure: `firstDelay`, then twice as long after each further failure, up to `maximumDelay`.
/// An attempt during the wait is answered 429 with `Retry-After` without its password being
/// checked. A count is forgotten after `memory` without a failure.
///
/// The email's wait applies only to addresses that have themselves failed on that email: an
/// attacker guessing from some addresses slows every one of them, while the account's owner,
/// typing the right password from another address, is let in.
final class SignInThrottle: Sendable {
    /// The allowances and delays.
    struct Policy: Sendable {
        /// Failures from one address, over every email, before it must wait.
        var addressAllowance = 20
        /// Failures on one email, over every address, before it must wait.
        var emailAllowance = 5
        /// The first wait, in seconds; it doubles with each further failure.
        var firstDelay: Double = 1
        /// The longest wait, in seconds.
        var maximumDelay: Double = 15 * 60
        /// Seconds without a failure after which a count starts again from zero.
        var memory: Double = 3600
        /// Counts kept at most; the oldest are forgotten first (bounds memory under a flood of made-up emails).
        var capacity = 50_000
    }

    private struct Count {
        var failures: Int
        var last: Date
    }

    private let policy: Policy
    private let counts = Mutex<[String: Count]>([:])

    init(policy: Policy) {
        self.policy = policy
    }

    /// Seconds `address` must still wait before trying `email`; nil when it may try now.
    func wait(email: String, address: ClientAddress, now: Date) -> Double? {
        let keys = Self.keys(email: email, address: address)
        let wait = counts.withLock { counts -> Double in
            var wait = remaining(counts[keys.address], allowance: policy.addressAllowance, now: now)
            if let pair = counts[keys.pair], fresh(pair, now: now) {
                wait = max(wait, remaining(counts[keys.email], allowance: policy.emailAllowance, now: now))
            }
            return wait
        }
        return wait > 0 ? wait : nil
    }

    /// Counts a failed sign-in of `email` from `address`.
    func recordFailure(email: String, address: ClientAddress, now: Date) {
        let keys = Self.keys(email: email, address: address)
        counts.withLock { counts in
            for key in [keys.address, keys.email, keys.pair] {
                var count = counts[key].flatMap { fresh($0, now: now) ? $0 : nil } ?? Count(failures: 0, last: now)
                count.failures += 1
                count.last = now
                counts[key] = count
            }
            if counts.count > policy.capacity { prune(&counts, now: now) }
        }
    }

    /// Forgets the failures of `address` on `email` after it signed in, so that the email's wait
    /// no longer applies to it; the address's and the email's counts stay.
    func recordSuccess(email: String, address: ClientAddress) {
        let keys = Self.keys(email: email, address: address)
        _ = counts.withLock { $0.removeValue(forKey: keys.pair) }
    }

    /// The seconds left of the wait a count calls for.
    private func remaining(_ count: Count?, allowance: Int, now: Date) -> Double {
        guard let count, fresh(count, now: now), count.failures >= allowance else { return 0 }
        let doublings = Double(min(count.failures - allowance, 60))
        let delay = min(policy.firstDelay * pow(2, doublings), policy.maximumDelay)
        return count.last.addingTimeInterval(delay).timeIntervalSince(now)
    }

    private func fresh(_ count: Count, now: Date) -> Bool { now.timeIntervalSince(count.last) < policy.memory }

    /// Drops forgotten counts, then the oldest until a tenth of the capacity is free.
    private func prune(_ counts: inout [String: Count], now: Date) {
        counts = counts.filter { fresh($0.value, now: now) }
        let excess = counts.count - policy.capacity * 9 / 10
        guard excess > 0 else { return }
        for key in counts.sorted(by: { $0.value.last < $1.value.last }).prefix(excess).map(\.key) { counts[key] = nil }
    }

    private static func keys(email: String, address: ClientAddress) -> (address: String, email: String, pair: String) {
        let normalized = String(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().prefix(320))
        return ("a " + address.description, "e " + normalized, "p " + address.description + " " + normalized)
    }
}
