import Foundation

extension SQLWorkspaceStore {
    /// Starts a session for a user: returns the session token (to set in a cookie) and the
    /// session, whose token is stored only as its SHA-256 digest.
    public func createSession(user: Int64, lifetime: TimeInterval) async throws(WorkspaceStoreError) -> (token: String, session: SessionRecord) {
        let token = StoreSecrets.random(prefix: "wss_")
        let csrf = StoreSecrets.random(prefix: "")
        let now = StoreTime.now()
        let expires = now + Int64(lifetime * 1000)
        let digest = StoreSecrets.digest(token)
        let session = try await write { db in
            let account = try Self.user(db, user)
            // The user's expired sessions are removed as a new one starts (only the user's: on a
            // shared database, sign-ins of different people then never touch the same rows).
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?", arguments: [user, now])
            let id = try db.insert(sql: "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [user, digest, csrf, now, expires])
            try db.execute(sql: "DELETE FROM sign_in_failures WHERE user_id = ?", arguments: [user])
            return SessionRecord(id: id, user: account, csrfToken: csrf, expires: StoreTime.date(expires))
        }
        return (token, session)
    }

    /// The live session of a token, with its user; nil when the token is unknown, expired or
    /// its user is disabled.
    public func session(token: String) async throws(WorkspaceStoreError) -> SessionRecord? {
        guard token.utf8.count <= 128 else { return nil }
        let digest = StoreSecrets.digest(token)
        let now = StoreTime.now()
        return try await read { db in
            guard let row = try db.row(sql: "SELECT id, user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
                                             arguments: [digest, now]) else { return nil }
            let user = try Self.user(db, row[1])
            if user.disabled { return nil }
            return SessionRecord(id: try row[0], user: user, csrfToken: try row[2], expires: StoreTime.date(try row[3]))
        }
    }

    /// Ends a session.
    public func deleteSession(id: Int64) async throws(WorkspaceStoreError) {
        _ = try await write { db in try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id]) }
    }
}
