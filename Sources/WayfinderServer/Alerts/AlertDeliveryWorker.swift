import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JourneyStore
import Logging
import ServiceLifecycle
import Synchronization

/// Posts the alerts of the outbox to their rules' URLs, signed (``AlertSignature``), retried with
/// back-off (``AlertDeliveryOptions``), every attempt logged in the store; and checks stage-stay
/// rules periodically.
///
/// The collection writer wakes it after each commit that stored events, and a timer every
/// `pollInterval`. On graceful shutdown it finishes the attempts in flight and stops; whatever is
/// not delivered stays pending in the store and goes out after the next start. Logs name delivery
/// and rule numbers, status codes and error kinds, never URLs, secrets, bodies or customers.
public final class AlertDeliveryWorker: Service, Sendable {
    private let store: any ServerStore
    private let options: AlertDeliveryOptions
    private let logger: Logger
    private let userAgent: String
    private let wakes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let stopping = Mutex(false)
    private let session: URLSession
    private let metrics: ServerMetrics

    /// Prepares a worker over a store.
    public init(store: any ServerStore, options: AlertDeliveryOptions, version: String, metrics: ServerMetrics = ServerMetrics(), logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.options = options
        self.logger = logger
        userAgent = "Wayfinder-Alerts/\(version)"
        (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
    }

    /// Asks the worker to look for due deliveries now.
    public func wake() { continuation.yield() }

    /// Delivers until graceful shutdown.
    public func run() async throws {
        let poll = options.pollInterval
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: poll)
                        continuation.yield()
                    }
                }
                let clock = ContinuousClock()
                var lastStageCheck: ContinuousClock.Instant?
                for await _ in wakes {
                    if stopping.withLock({ $0 }) { break }
                    if lastStageCheck.map({ clock.now - $0 >= options.stageCheckInterval }) ?? true {
                        lastStageCheck = clock.now
                        await checkStageStays()
                    }
                    await deliverDue()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: { [self] in
            stopping.withLock { $0 = true }
            continuation.finish()
        }
        session.invalidateAndCancel()
        logger.debug("alert delivery worker stopped")
    }

    /// Enqueues the stage stays that are due by the worker's clock.
    func checkStageStays() async {
        do {
            let enqueued = try await store.enqueueStageStays(now: options.now())
            if enqueued > 0 { logger.info("stage-stay alerts enqueued", metadata: ["alerts": "\(enqueued)"]) }
        } catch {
            logger.error("stage-stay check failed", metadata: ["error.code": "\(error.code)"])
        }
    }

    /// Posts every delivery due now, a few at a time, until none is due or shutdown begins.
    func deliverDue() async {
        if options.holdDeliveries { return }
        while !stopping.withLock({ $0 }) {
            let due: [DueAlertDelivery]
            do {
                // Claimed long enough for every attempt of the batch to end, several times over.
                due = try await store.dueAlertDeliveries(now: Date(), limit: max(1, options.concurrency), lease: max(.seconds(120), options.timeout * 6))
            } catch {
                logger.error("could not read the alert outbox", metadata: ["error.code": "\(error.code)"])
                return
            }
            if due.isEmpty { return }
            await withTaskGroup(of: Void.self) { group in
                for delivery in due { group.addTask { await self.attempt(delivery) } }
            }
        }
    }

    private func attempt(_ delivery: DueAlertDelivery) async {
        let number = delivery.attempts + 1
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await post(delivery, attempt: number)
        let elapsed = clock.now - start
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let succeeded = outcome.status.map { (200..<300).contains($0) } ?? false
        let failures = delivery.attemptsThisRound + 1
        var retryAt: Date?
        if !succeeded, failures < options.maximumAttempts {
            let delay = options.retryDelay(afterFailures: failures, random: Double.random(in: 0...1))
            retryAt = Date().addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
        }
        do {
            try await store.recordAlertAttempt(delivery: delivery.id, number: number, startedAt: started, durationMilliseconds: milliseconds,
                                               statusCode: outcome.status, error: outcome.error, retryAt: retryAt)
            options.attemptLogged(delivery.id)
        } catch {
            logger.error("could not log an alert attempt", metadata: ["delivery": "\(delivery.id)", "error.code": "\(error.code)"])
        }
        let metadata: Logger.Metadata = [
            "delivery": "\(delivery.id)", "rule": "\(delivery.rule)", "attempt": "\(number)",
            "http.status": "\(outcome.status.map(String.init) ?? "-")", "error.type": "\(outcome.error ?? "-")", "duration_ms": "\(milliseconds)",
        ]
        if succeeded {
            metrics.recordAlertAttempt("delivered")
            logger.info("alert delivered", metadata: metadata)
        } else if retryAt == nil {
            metrics.recordAlertAttempt("failed")
            logger.warning("alert delivery failed; no attempts left in this round", metadata: metadata)
        } else {
            metrics.recordAlertAttempt("retry")
            logger.info("alert attempt failed; it will be retried", metadata: metadata)
        }
    }

    private func post(_ delivery: DueAlertDelivery, attempt: Int) async -> (status: Int?, error: String?) {
        guard let url = URL(string: delivery.url) else { return (nil, "invalid url") }
        if !options.allowPrivateAddresses, let refusal = await WebhookAddress.refusalAtDelivery(url: delivery.url) {
            logger.warning("alert not posted: its webhook is not on the public internet; change the rule's URL, or run the server with --allow-private-webhooks",
                           metadata: ["delivery": "\(delivery.id)", "rule": "\(delivery.rule)", "error.type": "\(refusal)"])
            return (nil, refusal)
        }
        let body = Array(delivery.payload.utf8)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let timeout = Double(options.timeout.components.seconds) + Double(options.timeout.components.attoseconds) / 1e18
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.httpShouldHandleCookies = false
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue(String(timestamp), forHTTPHeaderField: AlertSignature.timestampHeader)
        request.setValue(AlertSignature.sign(body: body, timestamp: timestamp, secret: delivery.secret), forHTTPHeaderField: AlertSignature.signatureHeader)
        request.setValue(String(delivery.id), forHTTPHeaderField: AlertSignature.deliveryHeader)
        request.setValue(String(attempt), forHTTPHeaderField: "X-Wayfinder-Attempt")
        let session = self.session
        return await withCheckedContinuation { continuation in
            let task = session.dataTask(with: request) { _, response, error in
                if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: (response.statusCode, nil))
                } else {
                    continuation.resume(returning: (nil, Self.describe(error)))
                }
            }
            task.resume()
        }
    }

    /// A short, URL-free description of a network failure.
    static func describe(_ error: (any Error)?) -> String {
        guard let error = error as? URLError else { return error.map { "\(type(of: $0))" } ?? "no response" }
        switch error.code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost: return "connection refused"
        case .cannotFindHost, .dnsLookupFailed: return "host not found"
        case .networkConnectionLost: return "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateHasUnknownRoot: return "TLS failure"
        case .cancelled: return "cancelled"
        default: return "network error \(error.code.rawValue)"
        }
    }
}

/// Redirects are answers, not detours: a webhook that moved must be changed in its rule.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
                    completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
