import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneyModel
import JourneyStore
import NIOCore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// How an API request proves who sends it.
enum Credential: Sendable {
    case none
    case key(String)
    /// The session cookie with its CSRF token (or a wrong or missing one).
    case session(cookie: String, csrf: String?)
}

/// A server with the retail workspace `shop`, a server admin, and an editor, a viewer and an
/// outsider (no role) who sign in through the API.
struct APIHarness {
    static let password = "correct horse battery staple"
    let base: ServerHarness
    var store: JourneyStore { base.store }
    var server: WayfinderServer { base.server }
    let mapID: String
    let personaID: String

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        base = try await ServerHarness { configuration in
            configuration.accounts.secureCookies = false
            configuration.accounts.passwordCost = 10
            configure(&configuration)
        }
        let template = WorkspaceTemplate.retail.workspace
        _ = try await base.store.importWorkspace("shop", workspace: template, author: "test", createIfMissing: true)
        mapID = template.journeys[0].id
        personaID = template.personas[0].id
        _ = try await base.server.bootstrapAdmin(password: Self.password)
        for (email, role) in [("editor@example.com", Role.editor), ("viewer@example.com", .viewer), ("outsider@example.com", nil)] {
            let user = try await base.store.createUser(email: email, passwordHash: await Passwords.hash(Self.password, cost: 10))
            if let role { _ = try await base.store.setMembership(workspace: "shop", user: user.id, role: role) }
        }
    }

    func test<Value: Sendable>(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await base.test(setup, body)
    }
}

extension TestClientProtocol {
    /// Any API request.
    func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, as credential: Credential,
              contentType: String? = "application/json", headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        switch credential {
        case .none: break
        case .key(let secret): headers[.authorization] = "Bearer \(secret)"
        case .session(let cookie, let csrf):
            headers[.cookie] = "\(Authenticator.cookieName)=\(cookie)"
            if let csrf { headers[Authenticator.csrfHeader] = csrf }
        }
        if body != nil, let contentType { headers[.contentType] = contentType }
        let response = try await executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Answer(response)
    }

    /// Signs in and returns the session credential.
    func signIn(_ email: String, _ password: String = APIHarness.password) async throws -> Credential {
        let answer = try await call(.post, "/api/v1/session", json(["email": email, "password": password]), as: .none)
        try #require(answer.status == 201, "sign-in of \(email): \(answer)")
        let setCookie = try #require(answer.headers[.setCookie])
        let value = try #require(setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        let csrf = try #require(answer.json["csrf_token"] as? String)
        return .session(cookie: String(value), csrf: csrf)
    }
}

extension Answer {
    /// A member of the JSON object.
    subscript(_ key: String) -> Any? { json[key] }
}
