import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Finds and checks the write key of a collection request: the HTTP Basic user name with an
/// empty password (as Segment's and RudderStack's SDKs send it), or `writeKey` in the body.
struct WriteKeys: Sendable {
    let store: any ServerStore

    /// The key given as the Basic user name; nil when the request has no Authorization header.
    static func basicUser(_ header: String?) throws(APIError) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else {
            throw APIError.unauthorized(.invalidKey, "the Authorization header must be Basic, with the write key as the user name and an empty password (curl: -u 'WRITE_KEY:')")
        }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8) else {
            throw APIError.unauthorized(.invalidKey, "the Basic credentials are not base64 of 'WRITE_KEY:'; send the write key as the user name and an empty password")
        }
        let user = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return user.isEmpty ? nil : user
    }

    /// The key for a secret, when it may send events.
    func collector(secret: String?) async throws(APIError) -> APIKey {
        guard let secret, !secret.isEmpty else {
            throw APIError.unauthorized(.missingKey, "no write key was sent; send it as the Basic user name with an empty password (curl: -u 'WRITE_KEY:') or as writeKey in the body. Create one with 'wayfinder keys create --kind write'")
        }
        let key: APIKey?
        do {
            key = try await store.apiKey(secret: secret)
        } catch {
            throw APIError(.serviceUnavailable, .unavailable, "the server cannot check write keys right now; send the events again later")
        }
        guard let key else {
            throw APIError.unauthorized(.invalidKey, "the write key is not one this server issued; check it, or create one with 'wayfinder keys create --kind write'")
        }
        guard key.isActive else {
            throw APIError.unauthorized(.revokedKey, "the write key was revoked; create a new one with 'wayfinder keys create --kind write' and update the SDK")
        }
        guard key.kind.collects else {
            throw APIError.unauthorized(.keyNotAllowed, "this is a \(key.kind.rawValue) key, which cannot send events; use a write or read-write key")
        }
        guard key.workspace != nil else {
            throw APIError.unauthorized(.keyNotAllowed, "this key belongs to no workspace, so its events would have nowhere to go; create a write key of the workspace ('wayfinder keys create --kind write --workspace ID')")
        }
        return key
    }

    /// The customer data of the workspace a collecting key belongs to.
    func workspace(of key: APIKey?) async throws(APIError) -> any WorkspaceCustomerData {
        guard let workspace = key?.workspace else {
            throw APIError.unauthorized(.keyNotAllowed, "this key belongs to no workspace, so its events would have nowhere to go")
        }
        do {
            return try await store.customerData(workspace)
        } catch {
            throw APIError(.serviceUnavailable, .unavailable, "the server cannot find the key's workspace right now; send the events again later")
        }
    }
}

extension APIError {
    /// A 401 with the challenge that names the scheme.
    static func unauthorized(_ code: Code, _ message: String) -> APIError {
        APIError(.unauthorized, code, message, headers: [.wwwAuthenticate: #"Basic realm="wayfinder""#])
    }
}
