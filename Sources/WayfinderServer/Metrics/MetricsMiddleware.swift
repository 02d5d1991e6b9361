import Hummingbird

/// Counts every request in ``ServerMetrics`` by route pattern, method and status, with its latency.
/// Sits outside ``ErrorMiddleware``, so errors are counted with the status they were answered with.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let routes: RouteTable

    static var knownMethods: Set<String> { ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await next(request, context)
        // Unknown paths and methods share one label each, so a scan of random ones cannot grow the
        // series; a known route asked with another method is named by its template, so that no
        // id or share token of its path reaches /metrics.
        var route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        if route == "unmatched", let template = routes.template(of: request.uri.path) { route = template }
        let method = Self.knownMethods.contains(request.method.rawValue) ? request.method.rawValue : "other"
        metrics.recordRequest(route: route, method: method, status: response.status.code, duration: clock.now - start)
        return response
    }
}
