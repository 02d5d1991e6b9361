import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import WayfinderServer

/// Every answer of every route carries `X-Content-Type-Options: nosniff` and a
/// `Referrer-Policy`, is not stored in caches (except the survey script), and every HTML page
/// forbids framing by other sites.
@Suite("Security headers")
struct SecurityHeaderTests {
    /// The route table's paths with their parameters filled in.
    static func concrete(_ template: String, harness: APIHarness) -> String {
        let values = ["workspace": "shop", "map": harness.mapID, "persona": harness.personaID, "version": "1", "comment": "1", "share": "1",
                      "user": "2", "key": "1", "rule": "1", "delivery": "1", "upload": "upl_0123456789abcdef0123", "token": "wsl_unknown"]
        var path = template
        for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        return path
    }

    static func check(_ answer: Answer, _ what: String) {
        #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(what): \(answer.status)")
        #expect(answer.headers[.referrerPolicy] == "no-referrer", "\(what): \(answer.status)")
        let cache = answer.headers[.cacheControl]
        if what.hasSuffix(" /survey.js") && answer.status == 200 {
            #expect(cache == "public, max-age=300", "\(what)")
        } else {
            #expect(cache == "no-store", "\(what): \(answer.status) Cache-Control \(cache ?? "none")")
        }
        if answer.headers[.contentType]?.hasPrefix("text/html") == true {
            let policy = answer.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("frame-ancestors 'none'"), "\(what): CSP \(policy)")
        }
    }

    @Test("every route of the route table answers with the security headers, signed in or not")
    func everyRoute() async throws {
        let harness = try await APIHarness()
        let routes = harness.server.registeredRoutes().sorted { ($0.path, $0.method) < ($1.path, $1.method) }
        #expect(routes.count > 60, "the route table lists \(routes.count) routes")
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            // First what a signed-in admin reads, then every route without a credential (which changes nothing).
            for route in routes where route.method == "GET" {
                let path = Self.concrete(route.path, harness: harness)
                Self.check(try await client.call(.get, path, as: admin), "signed in: GET \(route.path)")
            }
            for route in routes {
                let path = Self.concrete(route.path, harness: harness)
                let answer = try await client.call(HTTPRequest.Method(route.method)!, path, route.method == "GET" ? nil : "{}", as: .none)
                Self.check(answer, "\(route.method) \(route.path)")
            }
            Self.check(try await client.call(.get, "/no/such/path", as: .none), "GET /no/such/path")
            Self.check(try await client.call(.delete, "/health", as: .none), "DELETE /health")
        }
    }

    @Test("the session answer that carries the CSRF token is never stored")
    func sessionAnswer() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let signIn = try await client.call(.post, "/api/v1/session", json(["email": "viewer@example.com", "password": APIHarness.password]), as: .none)
            #expect(signIn.status == 201)
            #expect(signIn["csrf_token"] is String)
            #expect(signIn.headers[.cacheControl] == "no-store")
            let session = try await client.signIn("viewer@example.com")
            let read = try await client.call(.get, "/api/v1/session", as: session)
            #expect(read["csrf_token"] is String)
            #expect(read.headers[.cacheControl] == "no-store")
        }
    }

    @Test("the survey demo page may not be framed")
    func surveyDemo() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let page = try await client.call(.get, "/survey/demo?metric=nps", as: .none)
            #expect(page.status == 200)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true, "\(page.headers)")
        }
    }
}
