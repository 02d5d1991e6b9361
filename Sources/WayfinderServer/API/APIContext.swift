import Foundation
import Hummingbird
import JourneyStore
import Logging

/// What every API handler needs: the store, the authenticator, the settings, the writer, the
/// analysis cache and the upload jobs.
struct APIContext: Sendable {
    let store: any ServerStore
    let auth: Authenticator
    let configuration: ServerConfiguration
    let writer: EventWriter
    let analyses: AnalysisCache
    let uploads: UploadJobs
    let signIns: SignInThrottle
    /// The people editing maps live, to let someone go when their role changes.
    let rooms: MapRooms
    let trustedProxies: Set<String>

    init(store: any ServerStore, auth: Authenticator, configuration: ServerConfiguration, writer: EventWriter, analyses: AnalysisCache,
         uploads: UploadJobs, signIns: SignInThrottle, rooms: MapRooms) {
        (self.store, self.auth, self.configuration, self.writer, self.analyses, self.uploads, self.signIns, self.rooms) =
            (store, auth, configuration, writer, analyses, uploads, signIns, rooms)
        trustedProxies = Set(configuration.trustedProxies.compactMap(ClientAddress.normalized))
    }

    var bodyLimit: Int { configuration.apiRequestBytes }

    /// Where a request comes from.
    func client(_ request: Request, _ context: ServerRequestContext) -> ClientAddress {
        ClientAddress.of(request, peer: context.remoteAddress, trustedProxies: trustedProxies)
    }
}

/// Registers API routes in the router and the route table.
struct APIRegistrar {
    let router: Router<ServerRequestContext>
    let table: RouteTable
    let api: APIContext

    /// A route that needs a credential; the handler gets the caller.
    func on(_ method: HTTPRequest.Method, _ path: String, passwordChange: Bool = false,
            _ handler: @escaping @Sendable (Request, ServerRequestContext, Caller) async throws -> Response) {
        let auth = api.auth
        router.on(path, method: method, table: table) { request, context in
            let caller = try await auth.caller(request, allowPasswordChangeOnly: passwordChange)
            return try await handler(request, context, caller)
        }
    }

    /// A route anyone may call (sign in, share links, the OpenAPI document).
    func open(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, ServerRequestContext) async throws -> Response) {
        router.on(path, method: method, table: table, use: handler)
    }
}

extension ServerRequestContext {
    /// A path parameter that the route always has, percent-decoded (`my%2Dws` is `my-ws`); 400
    /// when its percent-encoding is invalid or it decodes to control characters.
    func parameter(_ name: String) throws -> String {
        guard let raw = parameters.get(name) else {
            throw APIError(.badRequest, .invalidRequest, "the path lacks {\(name)}")
        }
        guard let value = raw.removingPercentEncoding else {
            let message = "{\(name)}: the path segment has invalid percent-encoding; write each % as %25, and encode UTF-8 bytes as %XX with two hex digits"
            throw APIError(.badRequest, .invalidRequest, message, problems: [.init(field: name, message: "invalid percent-encoding")])
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError(.badRequest, .invalidRequest, "{\(name)}: the path segment holds a control character once decoded; ids never do",
                           problems: [.init(field: name, message: "control character")])
        }
        return value
    }

    /// A numeric path parameter.
    func number(_ name: String) throws -> Int64 {
        try APIJSON.integer(try parameter(name), name) ?? 0
    }
}
