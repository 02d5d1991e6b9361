import HTTPTypes
import Hummingbird

/// Lets web pages on any origin send events and survey answers to `/v1/*`: answers preflight
/// `OPTIONS` requests itself and adds `Access-Control-Allow-Origin: *` to every collection
/// answer, errors included. Credentials are never allowed (no cookies): the write key travels in
/// the body or the `Authorization` header, which the preflight permits.
struct CollectionCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowedHeaders: String { "Content-Type, Authorization, Content-Encoding" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        if request.method == .options {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: "*",
                .accessControlAllowMethods: "POST, OPTIONS",
                .accessControlAllowHeaders: Self.allowedHeaders,
                .accessControlMaxAge: "86400",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
}
