import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every failure into the one JSON error shape: unknown routes (404), wrong methods (405),
/// bodies over the limit (413), and anything unexpected (500, logged by type only).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let requestLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            return try notFound(request).response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error.status, .invalidRequest, "the request cannot be handled (\(error.status.reasonPhrase.lowercased()))")
                .response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try APIError.requestTooLarge(limit: requestLimit).response(from: request, context: context)
        } catch {
            // The type says what failed without the values that failed.
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))", "http.route": "\(context.endpointPath ?? "-")"])
            return try APIError(.internalServerError, .internalError, "the server could not handle the request; try again, and if it keeps failing, look for 'request failed' in the server's log")
                .response(from: request, context: context)
        }
    }

    func notFound(_ request: Request) -> APIError {
        let allowed = routes.methods(of: request.uri.path)
        guard !allowed.isEmpty else {
            return APIError(.notFound, .notFound, "there is nothing at this path; the API is under /api/v1 (every route in /openapi.json), collection at /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias, /v1/batch and /v1/feedback, health at /health, the survey snippet at /survey.js")
        }
        let names = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(.methodNotAllowed, .methodNotAllowed, "this path answers \(names) only", headers: [.allow: names])
    }
}

extension APIError {
    /// The request body is over the limit.
    static func requestTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, .tooLarge, "the request body is over \(limit / 1024) KB; send fewer events a request (a batch of at most 500 KB)")
    }
}
