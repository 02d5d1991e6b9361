import Hummingbird

/// The context of every request to the server; what later middleware learns about the
/// caller (the key or account) goes here.
public struct ServerRequestContext: RequestContext {
    /// Hummingbird's part of the context.
    public var coreContext: CoreRequestContextStorage

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
