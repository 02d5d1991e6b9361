import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 connection with the server's connection limits: each connection gets
/// a ``ConnectionGuard`` that closes it when its client is idle, sends a request head or body
/// too slowly (``ConnectionLimits``), and enters the ``ConnectionRegistry`` that keeps the
/// number of connections under the limit.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    private let http: HTTP1Channel
    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private let metrics: ServerMetrics

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, registry: ConnectionRegistry, metrics: ServerMetrics) {
        http = HTTP1Channel(responder: responder)
        self.limits = limits
        self.registry = registry
        self.metrics = metrics
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ConnectionGuard(channel: channel, limits: limits, registry: registry, metrics: metrics)
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionBytesHandler(connection), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(connection, eventLoop: channel.eventLoop)
        var configuration = http.configuration
        configuration.additionalChannelHandlers = { [RequestPartsHandler(bound.value)] }
        return HTTP1Channel(responder: http.responder, configuration: configuration).setup(channel: channel, logger: logger).map { value in
            bound.value.start()
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}
