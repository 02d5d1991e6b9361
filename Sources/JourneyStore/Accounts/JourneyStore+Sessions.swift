import Foundation
import GRDB

extension JourneyStore {
    /// Starts a session for a user: returns the session token (to set in a cookie) and the
    /// session, whose token is stored only as its SHA-256 digest. Clears the failed sign-ins.
    public func createSession(user: Int64, lifetime: TimeInterval) async throws(WorkspaceStoreError) -> (token: String, session: SessionRecord) {
        let token = Self.randomSecret(prefix: "wss_")
        let csrf = Self.randomSecret(prefix: "")
        let now = StoreTime.now()
        let expires = now + Int64(lifetime * 1000)
        let digest = Self.digest(token)
        let session = try await writeTransaction { db in
            let account = try Self.user(db, user)
            // Expired sessions are removed as new ones start.
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: "INSERT INTO sessions (user_id, token_hash, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [user, digest, csrf, now, expires])
            try db.execute(sql: "DELETE FROM sign_in_failures WHERE user_id = ?", arguments: [user])
            return SessionRecord(id: db.lastInsertedRowID, user: account, csrfToken: csrf, expires: StoreTime.date(expires))
        }
        return (token, session)
    }

    /// The live session of a token, with its user; nil when the token is unknown, expired or
    /// its user is disabled.
    public func session(token: String) async throws(WorkspaceStoreError) -> SessionRecord? {
        guard token.utf8.count <= 128 else { return nil }
        let digest = Self.digest(token)
        let now = StoreTime.now()
        return try await readTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
                                             arguments: [digest, now]) else { return nil }
            let user = try Self.user(db, row[1])
            if user.disabled { return nil }
            return SessionRecord(id: row[0], user: user, csrfToken: row[2], expires: StoreTime.date(row[3]))
        }
    }

    /// Ends a session.
    public func deleteSession(id: Int64) async throws(WorkspaceStoreError) {
        try await writeTransaction { db in try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id]) }
    }

    /// Records a failed sign-in of a user.
    public func recordSignInFailure(user: Int64) async throws(WorkspaceStoreError) {
        let now = StoreTime.now()
        try await writeTransaction { db in
            try db.execute(sql: "DELETE FROM sign_in_failures WHERE user_id = ? AND at < ?", arguments: [user, now - 86_400_000])
            try db.execute(sql: "INSERT INTO sign_in_failures (user_id, at) VALUES (?, ?)", arguments: [user, now])
        }
    }

    /// When the user may try to sign in again, or nil when it may now: locked once `limit` sign-ins
    /// failed within `window`, until the oldest of those leaves the window.
    public func lockedUntil(user: Int64, limit: Int, window: TimeInterval) async throws(WorkspaceStoreError) -> Date? {
        let now = StoreTime.now()
        let since = now - Int64(window * 1000)
        return try await readTransaction { db in
            let times = try Int64.fetchAll(db, sql: "SELECT at FROM sign_in_failures WHERE user_id = ? AND at > ? ORDER BY at DESC LIMIT ?",
                                           arguments: [user, since, limit])
            guard times.count >= limit, let oldest = times.last else { return nil }
            return StoreTime.date(oldest + Int64(window * 1000))
        }
    }
}
