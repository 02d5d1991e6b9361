import CustomerData
import Foundation

extension SQLWorkspaceStore {
    /// Creates a key and returns it with its secret, which is not stored and cannot be shown again.
    /// A key with a `workspace` reaches only that workspace through the API; a read key without
    /// one reaches every workspace. A key that sends events (write, read-write) needs a
    /// workspace: its events go there.
    public func createAPIKey(kind: APIKey.Kind, name: String = "", workspace: String? = nil) async throws(WorkspaceStoreError) -> NewAPIKey {
        if kind.collects, workspace == nil {
            throw WorkspaceStoreError(.invalidInput, field: "workspace", "workspace: a \(kind.rawValue) key sends events, which go to one workspace; name it")
        }
        let secret = StoreSecrets.random(prefix: "wf_")
        let prefix = String(secret.prefix(StoreSecrets.prefixLength))
        let now = StoreTime.now()
        let id = try await write { db -> Int64 in
            let workspaceRow = try workspace.map { slug in try WorkspaceState.header(db, slug).rowID }
            return try db.insert(sql: "INSERT INTO api_keys (kind, name, prefix, secret_hash, created_at, workspace_id) VALUES (?, ?, ?, ?, ?, ?)",
                                 arguments: [kind.rawValue, name, prefix, StoreSecrets.digest(secret), now, workspaceRow])
        }
        let key = APIKey(id: id, kind: kind, name: name, prefix: prefix, createdAt: Timestamp.iso8601(now), revokedAt: nil, workspace: workspace)
        return NewAPIKey(key: key, secret: secret)
    }

    /// Every key, revoked ones too, oldest first.
    public func apiKeys() async throws(WorkspaceStoreError) -> [APIKey] {
        try await read { db in try db.rows(sql: StoreSecrets.keyQuery + " ORDER BY k.id").map(StoreSecrets.key) }
    }

    /// Revokes a key from now on; a key revoked before keeps its first revocation time.
    /// Nil when there is no key with that number.
    public func revokeAPIKey(id: Int64) async throws(WorkspaceStoreError) -> APIKey? {
        let now = StoreTime.now()
        return try await write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return try db.row(sql: StoreSecrets.keyQuery + " WHERE k.id = ?", arguments: [id]).map(StoreSecrets.key)
        }
    }

    /// The key a secret belongs to, revoked or not; nil for a secret the store never issued.
    public func apiKey(secret: String) async throws(WorkspaceStoreError) -> APIKey? {
        // A secret is short; anything longer cannot be one and is not worth hashing.
        guard secret.utf8.count <= 128 else { return nil }
        let digest = StoreSecrets.digest(secret)
        return try await read { db in try db.row(sql: StoreSecrets.keyQuery + " WHERE k.secret_hash = ?", arguments: [digest]).map(StoreSecrets.key) }
    }
}
