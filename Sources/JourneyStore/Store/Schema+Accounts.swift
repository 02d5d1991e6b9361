import GRDB

extension Schema {
    /// Accounts and permissions: users with bcrypt password hashes, their roles per workspace,
    /// sign-in sessions and failed sign-ins (for the lock-out), share links of one map, and the
    /// workspace an API key is limited to.
    ///
    /// Session and share tokens are stored as SHA-256 digests, never in clear. Times are
    /// milliseconds since 1970. Deleting a user, a workspace or a map removes its rows here.
    static func accountsV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL DEFAULT '',
                password_hash TEXT NOT NULL,
                is_admin INTEGER NOT NULL DEFAULT 0,
                must_change_password INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                disabled_at INTEGER
            );
            CREATE TABLE memberships (
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                created_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, workspace_id)
            ) WITHOUT ROWID;
            CREATE INDEX memberships_by_workspace ON memberships(workspace_id);
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                token_hash BLOB NOT NULL UNIQUE,
                csrf_token TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX sessions_by_user ON sessions(user_id);
            CREATE TABLE sign_in_failures (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                at INTEGER NOT NULL
            );
            CREATE INDEX sign_in_failures_by_user ON sign_in_failures(user_id, at);
            CREATE TABLE share_links (
                id INTEGER PRIMARY KEY,
                map_id INTEGER NOT NULL REFERENCES journey_maps(id) ON DELETE CASCADE,
                token_hash BLOB NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER
            );
            CREATE INDEX share_links_by_map ON share_links(map_id);
            ALTER TABLE api_keys ADD COLUMN workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE;
            """)
    }
}
