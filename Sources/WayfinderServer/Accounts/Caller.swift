import Foundation
import HTTPTypes
import JourneyStore

/// Who makes an API request, as the credential says: a signed-in user (cookie session), an API
/// key, or a share link.
struct Caller: Sendable {
    enum Credential: Sendable {
        case session(SessionRecord)
        case key(APIKey)
    }

    let credential: Credential
    let store: any ServerStore

    /// The name recorded as author of saves and comments: the user's email, or `key:ID (name)`.
    var author: String {
        switch credential {
        case .session(let session): session.user.email
        case .key(let key): "key:\(key.id)\(key.name.isEmpty ? "" : " (\(key.name))")"
        }
    }

    /// The signed-in user, for routes only people use.
    var user: UserAccount? {
        if case .session(let session) = credential { return session.user }
        return nil
    }

    /// Whether the caller administers the whole server.
    var isServerAdmin: Bool { user?.isAdmin ?? false }

    /// The caller's role in a workspace, nil when it has none.
    func role(in workspace: String) async throws -> Role? {
        switch credential {
        case .session(let session):
            if session.user.isAdmin { return .admin }
            return try await store.memberships(user: session.user.id).first { $0.workspace == workspace }?.role
        case .key(let key):
            guard key.workspace == nil || key.workspace == workspace else { return nil }
            switch key.kind {
            case .read: return .viewer
            case .readWrite: return .editor
            case .write: return nil
            }
        }
    }

    /// Checks that the caller is no write key, which only sends events; 403 otherwise.
    func refuseWriteKey() throws {
        if case .key(let key) = credential, key.kind == .write {
            throw APIError(.forbidden, .forbidden, "a write key only sends events to /v1/*; use a read or read-write key (wayfinder keys create --kind read-write) or sign in")
        }
    }

    /// Checks that the caller has at least `needed` in `workspace`; 403 otherwise.
    func require(_ needed: Role, in workspace: String) async throws {
        try refuseWriteKey()
        guard let role = try await role(in: workspace) else {
            throw APIError(.forbidden, .forbidden, "you have no role in workspace '\(workspace)'; ask one of its admins to add you (PUT /api/v1/workspaces/\(workspace)/members/{user})")
        }
        guard role >= needed else {
            let what = needed == .admin ? "members, keys and settings" : "maps, personas, comments, imports, uploads and share links"
            let keyHint = if case .key = credential { needed == .admin ? "; keys never administer, so sign in as an admin" : "; use a read-write key" } else { "" }
            throw APIError(.forbidden, .forbidden, "changing \(what) in workspace '\(workspace)' needs the \(needed.rawValue) role; you are \(role.rawValue)\(keyHint)")
        }
    }

    /// Checks that the caller is a signed-in server admin; 403 otherwise.
    func requireServerAdmin(_ what: String) throws {
        guard isServerAdmin else {
            throw APIError(.forbidden, .forbidden, "\(what) needs a server admin; sign in as one (the first admin was printed when the server first started)")
        }
    }
}
