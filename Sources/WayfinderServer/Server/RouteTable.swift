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

    /// Every route, as (path, method).
    func all() -> [(path: String, method: String)] {
        methods.withLock { table in table.flatMap { path, methods in methods.map { (path, $0.rawValue) } } }
    }

    /// The methods a path answers, empty when the path is unknown.
    func methods(of path: String) -> [HTTPRequest.Method] {
        guard let template = template(of: path) else { return [] }
        return methods.withLock { $0[template] ?? [] }
    }

    /// The route a path is an instance of (`/api/v1/workspaces/{workspace}` for
    /// `/api/v1/workspaces/shop`), nil when the path is unknown: a name for the path that holds
    /// none of its values (ids, share tokens), as metrics need.
    func template(of path: String) -> String? {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return methods.withLock { table in
            if table[trimmed] != nil { return trimmed }
            // A path with parameters (`/api/v1/workspaces/{workspace}`) answers any value in their place.
            let segments = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            for template in table.keys where template.contains("{") {
                let parts = template.split(separator: "/", omittingEmptySubsequences: false)
                if parts.count == segments.count, zip(parts, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) { return template }
            }
            return nil
        }
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

/// The route table of the last router a server built.
final class RouteTableBox: Sendable {
    private let table = Mutex<RouteTable?>(nil)
    func withLock<T>(_ body: (inout RouteTable?) -> T) -> T { table.withLock { body(&$0) } }
}
