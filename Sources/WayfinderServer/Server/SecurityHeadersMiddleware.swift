import HTTPTypes
import Hummingbird

/// Adds the headers every answer of the server carries, whatever produced it (a route, a page,
/// an error, a 404):
///
/// - `X-Content-Type-Options: nosniff`, so a browser never runs an answer as another type than
///   the one declared;
/// - `Referrer-Policy: no-referrer`, so no address of this server (a share link's token, a
///   workspace's name) leaves in the `Referer` of a link followed from one of its pages;
/// - `Cache-Control: no-store` unless the route chose its own caching (only `/survey.js` does),
///   so no API answer — the session with its CSRF token, a map, a key — stays in a cache.
///
/// It is the outermost middleware, so the answers of the others get the headers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The headers set on every answer.
    static var fixed: HTTPFields { [.xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for field in Self.fixed { response.headers[field.name] = field.value }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPField.Name {
    /// `Referrer-Policy`.
    static let referrerPolicy = Self("Referrer-Policy")!
}
