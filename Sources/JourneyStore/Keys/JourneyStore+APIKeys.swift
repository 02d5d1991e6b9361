import Crypto
import CustomerData
import Foundation
import GRDB

extension JourneyStore {
    /// Random bytes in a secret: 256 bits, so the digest alone (SHA-256, unsalted) protects it.
    static let secretBytes = 32
    /// Characters of the secret kept in clear to tell keys apart (`wf_` and five more).
    static let prefixLength = 8

    /// Creates a key and returns it with its secret, which is not stored and cannot be shown again.
    /// A key with a `workspace` reaches only that workspace through the API; a read key without
    /// one reaches every workspace. A key that sends events (write, read-write) needs a
    /// workspace: its events go there.
    public func createAPIKey(kind: APIKey.Kind, name: String = "", workspace: String? = nil) throws -> NewAPIKey {
        if kind.collects, workspace == nil {
            throw WorkspaceStoreError(.invalidInput, field: "workspace", "workspace: a \(kind.rawValue) key sends events, which go to one workspace; name it")
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<Self.secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = "wf_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let prefix = String(secret.prefix(Self.prefixLength))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let id = try database.write { db -> Int64 in
            let workspaceRow = try workspace.map { slug in try WorkspaceState.header(db, slug).rowID }
            try db.execute(sql: "INSERT INTO api_keys (kind, name, prefix, secret_hash, created_at, workspace_id) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [kind.rawValue, name, prefix, Self.digest(secret), now, workspaceRow])
            return db.lastInsertedRowID
        }
        let key = APIKey(id: id, kind: kind, name: name, prefix: prefix, createdAt: Timestamp.iso8601(now), revokedAt: nil, workspace: workspace)
        return NewAPIKey(key: key, secret: secret)
    }

    /// Every key, revoked ones too, oldest first.
    public func apiKeys() throws -> [APIKey] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.keyQuery + " ORDER BY k.id").map(Self.key)
        }
    }

    /// Revokes a key from now on; a key revoked before keeps its first revocation time.
    /// Nil when there is no key with that number.
    public func revokeAPIKey(id: Int64) throws -> APIKey? {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try database.write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return try Row.fetchOne(db, sql: Self.keyQuery + " WHERE k.id = ?", arguments: [id])
                .map(Self.key)
        }
    }

    /// The key a secret belongs to, revoked or not; nil for a secret the store never issued.
    public func apiKey(secret: String) async throws -> APIKey? {
        // A secret is short; anything longer cannot be one and is not worth hashing.
        guard secret.utf8.count <= 128 else { return nil }
        let digest = Self.digest(secret)
        return try await database.read { db in
            try Row.fetchOne(db, sql: Self.keyQuery + " WHERE k.secret_hash = ?",
                             arguments: [digest]).map(Self.key)
        }
    }

    /// The SHA-256 digest that stands for a secret in the store.
    static func digest(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    static let keyQuery = "SELECT k.id, k.kind, k.name, k.prefix, k.created_at, k.revoked_at, w.slug AS workspace FROM api_keys k LEFT JOIN workspaces w ON w.id = k.workspace_id"

    static func key(_ row: Row) -> APIKey {
        let kindText: String = row["kind"]
        return APIKey(id: row["id"], kind: APIKey.Kind(rawValue: kindText) ?? .read, name: row["name"], prefix: row["prefix"],
                      createdAt: Timestamp.iso8601(row["created_at"]), revokedAt: (row["revoked_at"] as Int64?).map(Timestamp.iso8601), workspace: row["workspace"])
    }
}
