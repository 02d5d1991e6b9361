import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Sign in, sign out, the current user, and changing one's password.
enum SessionRoutes {
    /// Bytes of a sign-in or password change body.
    static let bodyBytes = 16 * 1024

    static func register(_ r: APIRegistrar) {
        let api = r.api
        let settings = api.configuration.accounts
        r.open(.post, "/api/v1/session") { request, context in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                // A form posted from another site cannot set this type without CORS, so a sign-in cannot be forged.
                throw APIError(.unsupportedMediaType, .unsupportedMediaType, "send the sign-in as JSON with 'Content-Type: application/json': {\"email\": …, \"password\": …}")
            }
            let body = try await APIJSON.object(request, limit: bodyBytes)
            let email = try APIJSON.string(body, "email", required: true) ?? ""
            let password = try APIJSON.string(body, "password", required: true) ?? ""
            let (token, session) = try await signIn(api, email: email, password: password, from: api.client(request, context))
            var response = APIJSON.response(try await sessionJSON(session, store: api.store), status: .created)
            response.setCookie(Cookie(name: Authenticator.cookieName, value: token, maxAge: Int(settings.sessionLifetime), path: "/",
                                      secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        r.on(.get, "/api/v1/session", passwordChange: true) { _, _, caller in
            guard case .session(let session) = caller.credential else {
                throw APIError(.forbidden, .forbidden, "an API key has no session; GET /api/v1/session answers signed-in users")
            }
            return APIJSON.response(try await sessionJSON(session, store: api.store))
        }
        r.on(.delete, "/api/v1/session", passwordChange: true) { _, _, caller in
            guard case .session(let session) = caller.credential else {
                throw APIError(.forbidden, .forbidden, "an API key has no session to end; revoke the key instead")
            }
            try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.deleteSession(id: session.id) }
            var response = APIJSON.noContent()
            response.setCookie(Cookie(name: Authenticator.cookieName, value: "", maxAge: 0, path: "/", secure: settings.secureCookies,
                                      httpOnly: true, sameSite: .strict))
            return response
        }
        r.on(.put, "/api/v1/session/password", passwordChange: true) { request, _, caller in
            guard case .session(let session) = caller.credential else {
                throw APIError(.forbidden, .forbidden, "an API key has no password; sign in to change yours")
            }
            let body = try await APIJSON.object(request, limit: bodyBytes)
            let current = try APIJSON.string(body, "current_password", required: true) ?? ""
            let new = try APIJSON.string(body, "new_password", required: true) ?? ""
            try await changePassword(api, session: session, current: current, new: new)
            return APIJSON.noContent()
        }
    }

    /// Replaces the password of the session's user after checking the current one and the rules
    /// for a new one; the user's other sessions end, this one stays.
    static func changePassword(_ api: APIContext, session: SessionRecord, current: String, new: String) async throws {
        let settings = api.configuration.accounts
        let hash = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.passwordHash(user: session.user.id) }
        guard await Passwords.verify(current, hash: hash) else {
            throw APIError(.forbidden, .forbidden, "current_password: it is not your current password; type it again")
        }
        if let problem = Passwords.problem(new, minimumLength: settings.minimumPasswordLength) {
            throw APIError(.badRequest, .invalidRequest, problem, problems: [.init(field: "new_password", message: problem)])
        }
        let newHash = await Passwords.hash(new, cost: settings.passwordCost)
        try await storeCall { () async throws(WorkspaceStoreError) in
            try await api.store.setPassword(user: session.user.id, passwordHash: newHash, keepSession: session.id)
        }
    }

    /// Checks an email and password and opens a session: 401 when either is wrong, 429 while
    /// the client must wait (``SignInThrottle``). An unknown email is answered exactly as a wrong
    /// password, and takes as long: a decoy hash of the accounts' bcrypt cost is checked instead.
    static func signIn(_ api: APIContext, email: String, password: String, from client: ClientAddress) async throws -> (token: String, session: SessionRecord) {
        let settings = api.configuration.accounts
        if let wait = api.signIns.wait(email: email, address: client, now: settings.now()) {
            throw throttled(seconds: wait)
        }
        let found = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.userForSignIn(email: email) }
        let matches = await Passwords.verify(password, hash: found?.1 ?? Passwords.decoy(cost: settings.passwordCost))
        guard let (user, _) = found, matches, !user.disabled else {
            api.signIns.recordFailure(email: email, address: client, now: settings.now())
            throw APIError.unauthorizedAPI(.invalidCredential, "the email or password is wrong; check both and try again (after repeated failures each attempt must wait longer)")
        }
        let opened = try await storeCall { () async throws(WorkspaceStoreError) in
            try await api.store.createSession(user: user.id, lifetime: settings.sessionLifetime)
        }
        api.signIns.recordSuccess(email: email, address: client)
        return opened
    }

    /// The answer while a client must wait: the same whether the email has an account or not.
    static func throttled(seconds: Double) -> APIError {
        let whole = Int(min(max(seconds.rounded(.up), 1), 86_400))
        return APIError(.tooManyRequests, .tooManySignIns,
                        "too many failed sign-ins from this address or on this email; wait \(whole) seconds and try again, or ask an admin to reset the password",
                        headers: [.retryAfter: String(whole)])
    }

    static func sessionJSON(_ session: SessionRecord, store: any ServerStore) async throws -> JSONValue {
        let memberships = try await storeCall { () async throws(WorkspaceStoreError) in try await store.memberships(user: session.user.id) }
        return .object([
            ("user", APIJSON.value(session.user)),
            ("memberships", APIJSON.value(memberships)),
            ("csrf_token", .string(session.csrfToken)),
            ("expires", APIJSON.date(session.expires)),
        ])
    }
}
