import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 connection with the server's connection limits: each connection gets
/// a ``ConnectionGuard`` that closes it when its client is idle, sends a request head or body
/// too slowly (``ConnectionLimits``), and enters the ``ConnectionRegistry`` that keeps the
/// number of connections under the limit. A request may upgrade the connection to a WebSocket
/// when `shouldUpgrade` lets it (``LiveMaps``); the guard then stops timing it.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    typealias ShouldUpgrade = @Sendable (HTTPRequest, any Channel, Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    private let responder: HTTPChannelHandler.Responder
    private let http: HTTP1WebSocketUpgradeChannel
    private let shouldUpgrade: ShouldUpgrade
    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private let metrics: ServerMetrics

    /// The WebSocket settings: frames up to a live message's size, a ping every 30 seconds so
    /// that a vanished browser is noticed.
    static let webSocket = WebSocketServerConfiguration(maxFrameSize: MapRooms.maximumMessage, autoPing: .enabled(timePeriod: .seconds(30)))

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, registry: ConnectionRegistry, metrics: ServerMetrics,
         shouldUpgrade: @escaping ShouldUpgrade) {
        self.responder = responder
        self.shouldUpgrade = shouldUpgrade
        http = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init(ws: Self.webSocket), shouldUpgrade: shouldUpgrade)
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
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [RequestPartsHandler(bound.value)], idleTimeout: nil), ws: Self.webSocket)
        return HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration, shouldUpgrade: shouldUpgrade)
            .setup(channel: channel, logger: logger).map { value in
                bound.value.start()
                return value
            }
    }

    func handle(value: Value, logger: Logger) async {
        var quiet = logger
        quiet.handler = UpgradeNoiseFilter(base: logger.handler)
        await http.handle(value: value, logger: quiet)
    }
}
