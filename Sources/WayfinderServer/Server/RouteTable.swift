import HTTPTypes
import Hummingbird
import Synchronization

/// The paths the server answers and the methods of each, filled as routes are registered, so
/// that a known path asked with another method gets 405 with `Allow` rather than 404.
final class RouteTable: Sendable {
    private let methods = Mutex<[String: [HTTPRequest.Method]]>([:])

    /// Records a route.
    func add(_ path: String, _ method: HTTPRequest.Method) {
        methods.withLock { $0[path, default: []].append(method) }
    }

    /// The methods a path answers, empty when the path is unknown.
    func methods(of path: String) -> [HTTPRequest.Method] {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return methods.withLock { $0[trimmed] ?? [] }
    }
}

extension Router {
    /// Registers a route and records it in the table.
    @discardableResult
    func on(_ path: String, method: HTTPRequest.Method, table: RouteTable,
            use handler: @escaping @Sendable (Request, Context) async throws -> Response) -> Self {
        table.add(path, method)
        return on(RouterPath(path), method: method, use: handler)
    }
}
