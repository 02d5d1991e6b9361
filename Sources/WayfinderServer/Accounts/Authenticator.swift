import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Finds who calls an API route: an API key in `Authorization: Bearer KEY` (or as the Basic user
/// name), or the session cookie. A request with the cookie that changes something must repeat
/// the session's CSRF token in `X-CSRF-Token`; key requests are exempt, since a browser never
/// adds a key on its own.
struct Authenticator: Sendable {
    static let cookieName = "wayfinder_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    let store: any ServerStore

    /// The caller, or 401 when there is no credential or it is wrong, 403 when a cookie request
    /// changes something without the CSRF token.
    func caller(_ request: Request, allowPasswordChangeOnly: Bool = false) async throws -> Caller {
        if let header = request.headers[.authorization] {
            return Caller(credential: .key(try await key(header)), store: store)
        }
        guard let token = request.cookies[Self.cookieName]?.value, !token.isEmpty else {
            throw APIError.unauthorizedAPI(.missingCredential, "sign in first (POST /api/v1/session with email and password), or send an API key as 'Authorization: Bearer KEY' (wayfinder keys create --kind read)")
        }
        guard let session = try await store.session(token: token) else {
            throw APIError.unauthorizedAPI(.invalidCredential, "your session has ended or is not valid; sign in again (POST /api/v1/session)")
        }
        if ![.get, .head, .options].contains(request.method) {
            let sent = request.headers[Self.csrfHeader] ?? ""
            guard Self.constantTimeEqual(sent, session.csrfToken) else {
                throw APIError(.forbidden, .csrfFailed, "a change made with the session cookie must carry the session's CSRF token in the X-CSRF-Token header; read it from GET /api/v1/session")
            }
        }
        if session.user.mustChangePassword && !allowPasswordChangeOnly {
            throw APIError(.forbidden, .passwordChangeRequired, "you signed in with a one-time password; choose your own first with PUT /api/v1/session/password")
        }
        return Caller(credential: .session(session), store: store)
    }

    private func key(_ header: String) async throws -> APIKey {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        var secret: String?
        if parts.count == 2, parts[0].lowercased() == "bearer" {
            secret = String(parts[1]).trimmingCharacters(in: .whitespaces)
        } else if parts.count == 2, parts[0].lowercased() == "basic" {
            secret = try? WriteKeys.basicUser(header)
        }
        guard let secret, !secret.isEmpty else {
            throw APIError.unauthorizedAPI(.invalidCredential, "the Authorization header must be 'Bearer KEY' with a read or read-write key")
        }
        guard let key = try await store.apiKey(secret: secret) else {
            throw APIError.unauthorizedAPI(.invalidCredential, "the API key is not one this server issued; check it, or create one with 'wayfinder keys create --kind read'")
        }
        guard key.isActive else {
            throw APIError.unauthorizedAPI(.revokedKey, "the API key was revoked; create a new one (POST /api/v1/keys or 'wayfinder keys create')")
        }
        return key
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

extension APIError {
    /// A 401 of the API, with the challenge naming the Bearer scheme.
    static func unauthorizedAPI(_ code: Code, _ message: String) -> APIError {
        APIError(.unauthorized, code, message, headers: [.wwwAuthenticate: #"Bearer realm="wayfinder""#])
    }
}

extension APIError.Code {
    /// No credential was sent.
    static let missingCredential = Self(rawValue: "missing_credential")
    /// The credential is wrong, unknown or expired.
    static let invalidCredential = Self(rawValue: "invalid_credential")
    /// The caller may not do this.
    static let forbidden = Self(rawValue: "forbidden")
    /// A cookie request that changes something lacks the CSRF token.
    static let csrfFailed = Self(rawValue: "csrf_failed")
    /// The user must replace a one-time password first.
    static let passwordChangeRequired = Self(rawValue: "password_change_required")
    /// Too many failed sign-ins: wait as `Retry-After` says.
    static let tooManySignIns = Self(rawValue: "too_many_sign_ins")
    /// The thing does not exist.
    static let notFoundItem = Self(rawValue: "not_found")
    /// It exists already, or conflicts with the stored state.
    static let conflict = Self(rawValue: "conflict")
    /// A document has errors.
    static let invalidDocument = Self(rawValue: "invalid_document")
    /// The analysis cannot run.
    static let invalidQuery = Self(rawValue: "invalid_query")
}
