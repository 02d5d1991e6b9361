import GRDB

extension Schema {
    /// The server's API keys: kind, name, the secret's first characters and its SHA-256 digest
    /// (never the secret), creation and revocation times in milliseconds since 1970.
    static func apiKeysV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('write', 'read', 'read-write')),
                name TEXT NOT NULL DEFAULT '',
                prefix TEXT NOT NULL,
                secret_hash BLOB NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            """)
    }
}
