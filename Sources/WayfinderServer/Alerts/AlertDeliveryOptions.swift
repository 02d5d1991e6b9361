import Foundation

/// How the alert delivery worker posts, retries and checks stage stays.
///
/// After the n-th failed attempt of a round the next is due after a delay drawn uniformly from
/// [d/2, d], d = min(`firstRetryDelay` × 2^(n−1), `maximumRetryDelay`): with the defaults, 8
/// attempts spread over about 1 to 2 hours (1, 2, 4 … 64 minutes). A 2xx answer delivers; any other
/// status, a redirect, a timeout or a network error is a failed attempt.
public struct AlertDeliveryOptions: Sendable {
    /// Whether the server evaluates rules and runs the delivery worker.
    public var enabled = true
    /// Whether deliveries are held in the outbox instead of posted (rules are still evaluated and
    /// stage stays checked): for maintenance of a receiver; they go out once a server runs without it.
    public var holdDeliveries = false
    /// Whether rules may post to addresses that are not on the public internet (loopback,
    /// private, link-local, cloud metadata…), for a receiver on the same machine or network
    /// (`wayfinder serve --allow-private-webhooks`); off, such URLs are refused when a rule is
    /// added or turned on, and any delivery whose host resolves to one is refused.
    public var allowPrivateAddresses = false
    /// Attempts in a round before a delivery is marked failed.
    public var maximumAttempts = 8
    /// The delay before the second attempt; it doubles for each further one.
    public var firstRetryDelay: Duration = .seconds(60)
    /// The longest delay between attempts.
    public var maximumRetryDelay: Duration = .seconds(6 * 3600)
    /// How long one attempt may take.
    public var timeout: Duration = .seconds(10)
    /// How often the worker looks for due deliveries without being woken by a commit.
    public var pollInterval: Duration = .seconds(1)
    /// How often stage-stay rules are checked.
    public var stageCheckInterval: Duration = .seconds(60)
    /// Deliveries posted at the same time at most.
    public var concurrency = 4
    /// The clock stage stays are measured with (injectable for tests).
    public var now: @Sendable () -> Date = { Date() }
    /// Told the delivery id once each attempt is logged in the store (for an observer such as a
    /// dashboard or a test that waits for the log).
    public var attemptLogged: @Sendable (_ delivery: Int64) -> Void = { _ in }

    /// The defaults.
    public init() {}

    /// The delay after the `failures`-th failed attempt of a round, with jitter from `random` in 0...1.
    public func retryDelay(afterFailures failures: Int, random: Double) -> Duration {
        let first = Double(firstRetryDelay.components.seconds) + Double(firstRetryDelay.components.attoseconds) / 1e18
        let cap = Double(maximumRetryDelay.components.seconds) + Double(maximumRetryDelay.components.attoseconds) / 1e18
        let full = min(first * pow(2, Double(max(0, failures - 1))), cap)
        return .milliseconds(Int64((full / 2 + full / 2 * min(max(random, 0), 1)) * 1000))
    }
}
