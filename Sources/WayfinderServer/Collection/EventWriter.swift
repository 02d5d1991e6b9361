import CustomerData
import Foundation
import JourneyStore
import Logging
import ServiceLifecycle
import Synchronization

/// The single writer of collected events (group commit).
///
/// Requests hand over their records with the workspace they go to, and wait. One thread takes
/// everything waiting, stores each workspace's share in one transaction with the importer's
/// rules (stitching, deduplication, quarantine, all inside the workspace), and only after the
/// commit resumes each request with its counts, so a request is answered 200
/// only once its events are durable. Many small requests thus share one commit and one wait
/// for the disk.
///
/// As a `Service` it runs until graceful shutdown, then refuses new records, stores what is
/// already waiting, and stops. Put it before the HTTP server in a service group, which shuts
/// services down in reverse order: requests in flight finish before the writer stops.
public final class EventWriter: Service, Sendable {
    /// Why records were not stored; nothing of the request was.
    public enum Failure: Error, Sendable {
        /// The server is shutting down and takes no more events.
        case stopped
        /// The store refused the transaction (file unreadable, server gone…).
        case store
        /// The store's disk is full; the writer takes events again once space is freed.
        case diskFull
    }

    private struct Waiting: Sendable {
        var group: RecordGroup
        /// The workspace the records go to.
        var data: any WorkspaceCustomerData
        /// The source that counts the group; nil for the writer's own stream.
        var source: Int64?
        var continuation: CheckedContinuation<Importer.Counts, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var accepting = true
        /// The last commit failed because the disk was full (cleared by the next commit that succeeds).
        var diskFull = false
        var finished = false
        var whenFinished: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let logger: Logger
    private let metrics: ServerMetrics
    private let messagesPerCommit: Int
    private let onCommit: @Sendable () -> Void
    private let options: Importer.Options
    private let stream: String
    private let alerts: Bool

    /// Checks the store and starts the writing thread. Each workspace's importer (which loads that
    /// workspace's identity graph) is made when its first records arrive.
    ///
    /// `stream` names the `sources` row of each workspace that counts what this writer stores
    /// there. With `alerts`, each commit also evaluates the workspace's alert rules on its new
    /// events and enqueues their deliveries in the same transaction; `onCommit` runs after every
    /// commit that stored events (to wake the delivery worker), once they are durable.
    public init(store: any ServerStore, options: Importer.Options, stream: String, messagesPerCommit: Int, metrics: ServerMetrics, logger: Logger,
                alerts: Bool = false, onCommit: @escaping @Sendable () -> Void = {}) throws {
        if let problem = store.writeProblem { throw JourneyStore.Failure(description: problem) }
        self.logger = logger
        self.onCommit = onCommit
        self.metrics = metrics
        self.messagesPerCommit = max(1, messagesPerCommit)
        self.options = options
        self.stream = stream
        self.alerts = alerts
        // Importers are not Sendable: they are made on the writing thread and never leave it.
        let started = Mutex<Result<Void, any Error>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            let checkpoints: any CollectionCheckpoints
            do {
                checkpoints = try store.startCollecting()
            } catch {
                started.withLock { $0 = .failure(error) }
                ready.signal()
                return
            }
            started.withLock { $0 = .success(()) }
            ready.signal()
            run(checkpoints)
        }
        thread.name = "wayfinder-writer"
        thread.start()
        ready.wait()
        if case .failure(let error) = started.withLock({ $0 }) { throw error }
    }

    /// Stores a group of records into a workspace with the other groups waiting, and returns its
    /// counts once they are committed; throws ``Failure`` when they were not stored.
    ///
    /// With `source` (a row from ``JourneyStore/startUpload(id:workspace:file:format:bytes:)``, such as an uploaded
    /// file), the group is counted there instead of in the writer's stream of the workspace.
    public func write(_ group: RecordGroup, into data: any WorkspaceCustomerData, source: Int64? = nil) async throws -> Importer.Counts {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state in
                guard state.accepting else { return false }
                state.waiting.append(Waiting(group: group, data: data, source: source, continuation: continuation))
                return true
            }
            if accepted { wake.signal() } else { continuation.resume(throwing: Failure.stopped) }
        }
    }

    /// Whether the writer still takes events.
    public var isAccepting: Bool { state.withLock { $0.accepting } }

    /// Whether the last commit failed because the store's disk was full.
    public var isDiskFull: Bool { state.withLock { $0.diskFull } }

    /// Waits for graceful shutdown, then stores what is waiting and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }

    /// Refuses new records, stores those waiting, and returns when the writing thread has ended.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                state.accepting = false
                if state.finished { return true }
                state.whenFinished.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wake.signal() }
        }
    }

    // MARK: The writing thread

    /// A workspace's writer and the stream that counts its collected events (opened with the
    /// first of them).
    private final class Target {
        let importer: any CustomerDataWriter
        var stream: Int64?

        init(_ importer: any CustomerDataWriter) { self.importer = importer }
    }

    /// A workspace row: a workspace deleted and created again under the same id is another.
    private struct TargetKey: Hashable {
        var workspace: String
        var row: Int64

        init(_ data: any WorkspaceCustomerData) {
            workspace = data.workspace
            row = data.workspaceRow
        }
    }

    private func run(_ checkpoints: any CollectionCheckpoints) {
        var targets: [TargetKey: Target] = [:]
        while true {
            wake.wait()
            let (batch, stopping) = state.withLock { state -> ([Waiting], Bool) in
                var taken = 0, messages = 0
                while taken < state.waiting.count, taken == 0 || messages + state.waiting[taken].group.records.count <= messagesPerCommit {
                    messages += state.waiting[taken].group.records.count
                    taken += 1
                }
                let batch = Array(state.waiting.prefix(taken))
                state.waiting.removeFirst(taken)
                return (batch, !state.accepting && state.waiting.isEmpty)
            }
            if !batch.isEmpty { commit(batch, targets: &targets, checkpoints: checkpoints) }
            if stopping { break }
            // More is waiting than one commit takes: go on without waiting for a signal.
            if state.withLock({ !$0.waiting.isEmpty }) { wake.signal() }
        }
        do {
            for target in targets.values { if let stream = target.stream { try target.importer.closeStream(stream) } }
            try checkpoints.stop()
        } catch {
            logger.error("could not mark the collection streams finished", metadata: ["error.type": "\(type(of: error))"])
        }
        let waiters = state.withLock { state in
            state.finished = true
            defer { state.whenFinished = [] }
            return state.whenFinished
        }
        logger.debug("collection writer stopped")
        for waiter in waiters { waiter.resume() }
    }

    /// Commits a batch: per workspace, one transaction for the groups of collection requests,
    /// and one for the groups of each upload, each answered with its own outcome.
    private func commit(_ batch: [Waiting], targets: inout [TargetKey: Target], checkpoints: any CollectionCheckpoints) {
        var parts: [(data: any WorkspaceCustomerData, source: Int64?)] = []
        for waiting in batch where !parts.contains(where: { TargetKey($0.data) == TargetKey(waiting.data) && $0.source == waiting.source }) {
            parts.append((waiting.data, waiting.source))
        }
        for (data, source) in parts {
            let key = TargetKey(data)
            let part = batch.filter { TargetKey($0.data) == key && $0.source == source }
            let clock = ContinuousClock()
            let start = clock.now
            do {
                let target = try targets[key] ?? Target(data.writer(options: options))
                targets[key] = target
                let importer = target.importer
                let stream: Int64
                if let source {
                    stream = source
                } else if let open = target.stream {
                    stream = open
                } else {
                    stream = try importer.openStream(name: self.stream, format: Importer.collectionFormat, alerts: alerts)
                    target.stream = stream
                }
                // Alert rules apply to collected events; an upload is history, like a file of `wayfinder import`.
                let failures = importer.alertEvaluationFailures
                let counts = try importer.store(part.map(\.group), stream: stream, evaluatingAlerts: source == nil)
                checkpoints.committed()
                if importer.alertEvaluationFailures > failures {
                    logger.error("alert rules could not be evaluated on a commit; its events are stored, its alerts were not enqueued",
                                 metadata: ["events": "\(counts.reduce(0) { $0 + $1.imported })"])
                }
                metrics.recordCommit(duration: clock.now - start)
                if state.withLock({ $0.diskFull }) {
                    state.withLock { $0.diskFull = false }
                    logger.notice("collection commits again: the disk has space")
                }
                for (waiting, count) in zip(part, counts) { waiting.continuation.resume(returning: count) }
                if source == nil, counts.contains(where: { $0.imported > 0 }) { onCommit() }
            } catch {
                let full = JourneyStore.isDiskFull(error)
                let wasFull = state.withLock { state in
                    defer { state.diskFull = full }
                    return state.diskFull
                }
                if full {
                    // Once, not for every request while the disk stays full.
                    if !wasFull {
                        logger.critical("the disk of the store is full: collection answers 503 and nothing is stored until space is freed; it resumes by itself then",
                                        metadata: ["requests": "\(part.count)"])
                    }
                } else {
                    // GRDB's errors carry no statement arguments, so the description holds no customer data.
                    logger.error("collection commit failed; its requests are answered 503 and may be sent again",
                                 metadata: ["error": "\(error)", "requests": "\(part.count)"])
                }
                for waiting in part { waiting.continuation.resume(throwing: full ? Failure.diskFull : Failure.store) }
            }
        }
    }
}
