import Crypto
import CustomerData
import Foundation

/// The secrets a store hands out (API keys, session and share tokens) and the digests that stand
/// for them in the database.
public enum StoreSecrets {
    /// Random bytes in a secret: 256 bits, so the digest alone (SHA-256, unsalted) protects it.
    static let secretBytes = 32
    /// Characters of the secret kept in clear to tell keys apart (`wf_` and five more).
    static let prefixLength = 8

    /// A random secret: `prefix` and 43 characters of base64url (256 bits).
    public static func random(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 digest that stands for a secret in the store.
    static func digest(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }

    static let keyQuery = "SELECT k.id, k.kind, k.name, k.prefix, k.created_at, k.revoked_at, w.slug AS workspace FROM api_keys k LEFT JOIN workspaces w ON w.id = k.workspace_id"

    static func key(_ row: SQLRow) throws -> APIKey {
        let kindText: String = try row["kind"]
        return APIKey(id: try row["id"], kind: APIKey.Kind(rawValue: kindText) ?? .read, name: try row["name"], prefix: try row["prefix"],
                      createdAt: Timestamp.iso8601(try row["created_at"]), revokedAt: (try row["revoked_at"] as Int64?).map(Timestamp.iso8601), workspace: try row["workspace"])
    }
}
