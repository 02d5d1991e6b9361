import Hummingbird
import NIOCore

/// The context of every request to the server; what later middleware learns about the
/// caller (the key or account) goes here.
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's part of the context.
    public var coreContext: CoreRequestContextStorage
    /// The peer address of the connection; nil when there is none (requests made in memory).
    public let remoteAddress: SocketAddress?

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
