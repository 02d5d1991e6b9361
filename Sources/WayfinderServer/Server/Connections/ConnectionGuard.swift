import NIOCore

/// One connection's deadlines, kept by its two handlers (the bytes that arrive, the request
/// parts decoded and the answers written), with the timer that closes it when a deadline
/// passes, and its entry in the server's ``ConnectionRegistry``. Lives on the connection's
/// event loop.
final class ConnectionGuard {
    private let channel: any Channel
    private let registry: ConnectionRegistry
    private let metrics: ServerMetrics
    private var deadlines: ConnectionDeadlines
    private var timer: Scheduled<Void>?
    private var timerAt: UInt64?
    private var reportedWaiting: UInt64?
    private var open = true
    /// Upgraded to a WebSocket: no request deadlines, never the one closed to make room.
    private var isUpgraded = false

    init(channel: any Channel, limits: ConnectionLimits, registry: ConnectionRegistry, metrics: ServerMetrics) {
        self.channel = channel
        self.registry = registry
        self.metrics = metrics
        let now = Self.now()
        deadlines = ConnectionDeadlines(headerTimeout: limits.headerTimeout, bodyTimeout: limits.bodyTimeout, idleTimeout: limits.idleTimeout, now: now)
        reportedWaiting = now
    }

    /// Enters the connection in the registry, closing the one the limit asks for, and starts its timer.
    func start() {
        if let victim = registry.opened(channel, at: reportedWaiting ?? Self.now()) {
            metrics.recordConnectionClosed("limit")
            victim.close(promise: nil)
        }
        changed()
    }

    func bytesReceived() {
        deadlines.bytesReceived(at: Self.now())
        changed()
    }

    func headReceived() {
        deadlines.headReceived(at: Self.now())
        changed()
    }

    func endReceived() {
        deadlines.endReceived()
        changed()
    }

    func responseEnded() {
        deadlines.responseEnded(at: Self.now())
        changed()
    }

    /// The connection became a WebSocket: it has no requests to time any more.
    func upgraded() {
        isUpgraded = true
        timer?.cancel()
        timer = nil
        timerAt = nil
        reportedWaiting = nil
        registry.update(channel, waitingSince: nil)
    }

    /// The connection has closed.
    func closed() {
        open = false
        timer?.cancel()
        timer = nil
        registry.closed(channel)
    }

    private func changed() {
        guard open, !isUpgraded else { return }
        let waiting = deadlines.waitingSince
        if waiting != reportedWaiting {
            registry.update(channel, waitingSince: waiting)
            reportedWaiting = waiting
        }
        guard let deadline = deadlines.deadline else { return }
        // A timer due sooner re-checks when it fires, so it only moves for a sooner deadline.
        if let timerAt, timerAt <= deadline.at { return }
        timer?.cancel()
        timerAt = deadline.at
        timer = channel.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(deadline.at)) { [self] in fire() }
    }

    private func fire() {
        timer = nil
        timerAt = nil
        guard open, !isUpgraded, let deadline = deadlines.deadline else { return }
        if Self.now() >= deadline.at {
            metrics.recordConnectionClosed(deadline.reason.rawValue)
            open = false
            channel.close(promise: nil)
        } else {
            changed()
        }
    }

    private static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}
