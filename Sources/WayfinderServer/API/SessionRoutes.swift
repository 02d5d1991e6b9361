import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Sign in, sign out, the current user, and changing one's password.
enum SessionRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        let settings = api.configuration.accounts
        r.open(.post, "/api/v1/session") { request, _ in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                // A form posted from another site cannot set this type without CORS, so a sign-in cannot be forged.
                throw APIError(.unsupportedMediaType, .unsupportedMediaType, "send the sign-in as JSON with 'Content-Type: application/json': {\"email\": …, \"password\": …}")
            }
            let body = try await APIJSON.object(request, limit: 16 * 1024)
            let email = try APIJSON.string(body, "email", required: true) ?? ""
            let password = try APIJSON.string(body, "password", required: true) ?? ""
            let (token, session) = try await signIn(api, email: email, password: password)
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
            let body = try await APIJSON.object(request, limit: 16 * 1024)
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

    /// Checks an email and password and opens a session: 401 when either is wrong (an unknown
    /// email takes as long as a wrong password), 429 while the account is locked out.
    static func signIn(_ api: APIContext, email: String, password: String) async throws -> (token: String, session: SessionRecord) {
        let settings = api.configuration.accounts
        let refused = APIError.unauthorizedAPI(.invalidCredential, "the email or password is wrong; check both and try again (after \(settings.lockoutLimit) failures in \(Int(settings.lockoutWindow / 60)) minutes the account is locked for a while)")
        guard let (user, hash) = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.userForSignIn(email: email) }) else {
            _ = await Passwords.verify(password, hash: Passwords.decoy)
            throw refused
        }
        if let until = try await storeCall({ () async throws(WorkspaceStoreError) in
            try await api.store.lockedUntil(user: user.id, limit: settings.lockoutLimit, window: settings.lockoutWindow)
        }) {
            throw lockedOut(until)
        }
        guard await Passwords.verify(password, hash: hash), !user.disabled else {
            try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.recordSignInFailure(user: user.id) }
            if let until = try await storeCall({ () async throws(WorkspaceStoreError) in
                try await api.store.lockedUntil(user: user.id, limit: settings.lockoutLimit, window: settings.lockoutWindow)
            }) {
                throw lockedOut(until)
            }
            throw refused
        }
        return try await storeCall { () async throws(WorkspaceStoreError) in
            try await api.store.createSession(user: user.id, lifetime: settings.sessionLifetime)
        }
    }

    static func lockedOut(_ until: Date) -> APIError {
        let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
        return APIError(.tooManyRequests, .lockedOut,
                        "too many failed sign-ins for this account; try again after \(ISO8601DateFormatter().string(from: until)) (in \(seconds) seconds), or ask an admin to reset the password",
                        headers: [.retryAfter: String(seconds)])
    }

    static func sessionJSON(_ session: SessionRecord, store: JourneyStore) async throws -> JSONValue {
        let memberships = try await storeCall { () async throws(WorkspaceStoreError) in try await store.memberships(user: session.user.id) }
        return .object([
            ("user", APIJSON.value(session.user)),
            ("memberships", APIJSON.value(memberships)),
            ("csrf_token", .string(session.csrfToken)),
            ("expires", APIJSON.date(session.expires)),
        ])
    }
}
