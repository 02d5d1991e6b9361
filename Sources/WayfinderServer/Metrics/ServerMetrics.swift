import JourneyStore
import Metrics
import Prometheus
import Synchronization

/// The server's Prometheus metrics, one registry per server so that tests and several servers in
/// one process each count their own: requests by route and status, request latency, events by
/// outcome, and the commits of the collection writer.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` shows.
    public let registry: PrometheusCollectorRegistry
    /// Events stored.
    let accepted: Prometheus.Counter
    /// Events refused with their request (400, 401, 413, 415); a body whose messages cannot be counted counts as one.
    let rejected: Prometheus.Counter
    /// Events written to the quarantine file instead of the store.
    let quarantined: Prometheus.Counter
    /// Events acknowledged that the store already held (the same messageId sent again).
    let deduplicated: Prometheus.Counter
    /// Transactions of the collection writer.
    let commits: Prometheus.Counter
    /// How long each of them took.
    let commitDuration: DurationHistogram
    /// Alert delivery attempts by outcome: delivered, retry (failed, tried again later), failed (round used up).
    let alertAttempts: [String: Prometheus.Counter]
    let connectionsClosed: [String: Prometheus.Counter]

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let requestCounters = Mutex<[RequestKey: Prometheus.Counter]>([:])
    private let latencies = Mutex<[String: DurationHistogram]>([:])

    /// Request latency buckets, 1 ms to 10 s.
    static let latencyBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000].map { .microseconds(Int64($0 * 1000)) }

    /// Creates the metrics in a new registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Prometheus.Counter {
            registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "wayfinder", metricName: name, unitName: "total", helpText: help))
        }
        accepted = counter("events_accepted", "Events stored by the collection routes.")
        rejected = counter("events_rejected", "Events refused with their request (bad JSON or event, missing or wrong key, over a limit); a body whose events cannot be counted counts as one.")
        quarantined = counter("events_quarantined", "Events acknowledged but written to the quarantine file instead of the store (no usable customer id).")
        deduplicated = counter("events_deduplicated", "Events acknowledged that the store already held (a messageId sent again).")
        commits = counter("store_commits", "Transactions of the collection writer; each holds the events of every request waiting.")
        commitDuration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "wayfinder", metricName: "store_commit_duration", unitName: "seconds",
                                             helpText: "Time to commit one transaction of collected events, waiting for the disk included."),
            labels: [], buckets: Self.latencyBuckets)
        alertAttempts = Dictionary(uniqueKeysWithValues: ["delivered", "retry", "failed"].map { outcome in
            (outcome, registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "wayfinder", metricName: "alert_attempts", unitName: "total",
                                                 helpText: "Alert delivery attempts by outcome: delivered (2xx), retry (failed, tried again later), failed (its round of attempts used up)."),
                labels: [("outcome", outcome)]))
        })
        connectionsClosed = Dictionary(uniqueKeysWithValues: ["idle", "header", "body", "limit"].map { reason in
            (reason, registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "wayfinder", metricName: "connections_closed", unitName: "total",
                                                 helpText: "Connections the server closed: idle, header or body (its client waited or sent too slowly), limit (the longest waiting, to make room)."),
                labels: [("reason", reason)]))
        })
    }

    /// Counts a connection the server closed: `idle`, `header`, `body` (a timeout) or `limit`.
    func recordConnectionClosed(_ reason: String) { connectionsClosed[reason]?.increment() }

    /// Counts an alert delivery attempt: `delivered`, `retry` or `failed`.
    func recordAlertAttempt(_ outcome: String) { alertAttempts[outcome]?.increment() }

    /// Counts a request and its latency. `route` is the route's pattern (`/v1/track`), never the path sent.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let counter = requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "wayfinder", subsystem: "http", metricName: "requests", unitName: "total",
                                                 helpText: "HTTP requests by route, method and status."),
                labels: [("route", route), ("method", method), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
        let histogram = latencies.withLock { histograms in
            if let histogram = histograms[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(namespace: "wayfinder", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                                 helpText: "Time from the request's head to its response, by route."),
                labels: [("route", route)], buckets: Self.latencyBuckets)
            histograms[route] = histogram
            return histogram
        }
        histogram.record(duration)
    }

    /// Counts what a collection request's commit did with its events.
    func recordStored(_ counts: Importer.Counts) {
        accepted.increment(by: Int64(counts.imported))
        deduplicated.increment(by: Int64(counts.duplicates))
        quarantined.increment(by: Int64(counts.quarantined))
    }

    /// Counts events refused with their request.
    func recordRejected(_ events: Int) {
        rejected.increment(by: Int64(events))
    }

    /// Counts one commit of the collection writer.
    func recordCommit(duration: Duration) {
        commits.increment()
        commitDuration.record(duration)
    }

    /// The metrics in the Prometheus text format.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// Makes this registry the process's swift-metrics backend, so metrics that libraries and
    /// later parts of the server record through swift-metrics appear at `/metrics` too.
    /// Call it once per process, before anything records a metric.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
