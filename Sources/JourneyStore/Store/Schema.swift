import GRDB

/// The versioned schema. A new version appends a migration; released migrations never change.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE customers (
                    id INTEGER PRIMARY KEY,
                    merged_into INTEGER,
                    first_seen INTEGER,
                    last_seen INTEGER,
                    traits TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX customers_merged ON customers(merged_into) WHERE merged_into IS NOT NULL;
                CREATE TABLE identities (
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    customer_id INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    PRIMARY KEY (kind, value)
                ) WITHOUT ROWID;
                CREATE INDEX identities_by_customer ON identities(customer_id);
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    format TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    records INTEGER NOT NULL DEFAULT 0,
                    imported INTEGER NOT NULL DEFAULT 0,
                    duplicates INTEGER NOT NULL DEFAULT 0,
                    quarantined INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    name TEXT,
                    channel TEXT,
                    message_id TEXT,
                    message TEXT NOT NULL,
                    dedupe BLOB NOT NULL UNIQUE,
                    source_id INTEGER,
                    source_line INTEGER
                );
                CREATE INDEX events_by_customer_time ON events(customer_id, timestamp, id);
                CREATE TABLE feedback (
                    event_id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    metric TEXT NOT NULL,
                    score REAL,
                    text TEXT,
                    touchpoint TEXT
                );
                CREATE INDEX feedback_by_customer ON feedback(customer_id);
                CREATE TABLE quarantined (
                    key BLOB PRIMARY KEY
                ) WITHOUT ROWID;
                CREATE TABLE identity_refusals (
                    id INTEGER PRIMARY KEY,
                    customers TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        }
        // Uniqueness of deduplication keys and identifiers moves into named indexes, so that a
        // first bulk load can build them, like the other secondary indexes, when it ends.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE identities_v2 (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    customer_id INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL
                );
                INSERT INTO identities_v2 (kind, value, customer_id, first_seen) SELECT kind, value, customer_id, first_seen FROM identities;
                DROP TABLE identities;
                ALTER TABLE identities_v2 RENAME TO identities;
                CREATE TABLE events_v2 (
                    id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    name TEXT,
                    channel TEXT,
                    message_id TEXT,
                    message TEXT NOT NULL,
                    dedupe BLOB NOT NULL,
                    source_id INTEGER,
                    source_line INTEGER
                );
                INSERT INTO events_v2 SELECT id, customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line FROM events;
                DROP TABLE events;
                ALTER TABLE events_v2 RENAME TO events;
                """)
            for index in deferredIndexesV2 { try db.execute(sql: index) }
        }
        migrator.registerMigration("workspaces-v1", migrate: workspacesV1)
        migrator.registerMigration("api-keys-v1", migrate: apiKeysV1)
        migrator.registerMigration("alerts-v1", migrate: alertsV1)
        migrator.registerMigration("accounts-v1", migrate: accountsV1)
        // A number raised by every transaction that changes customers or identifiers, so that a
        // writer holding the identity graph in memory sees that another process stitched or
        // forgot customers since, and reloads it before it writes; and the highest customer
        // number ever given, so that a forgotten customer's number is never given again.
        migrator.registerMigration("identity-generation-v1") { db in
            try db.execute(sql: """
                CREATE TABLE identity_generation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL,
                    last_customer INTEGER NOT NULL
                );
                INSERT INTO identity_generation (id, value, last_customer) VALUES (1, 0, (SELECT coalesce(max(id), 0) FROM customers));
                """)
        }
        // Uploads through the server, so that how one ended outlives the process that stored it.
        migrator.registerMigration("uploads-v1") { db in
            try db.execute(sql: """
                CREATE TABLE uploads (
                    id TEXT PRIMARY KEY,
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                    source_id INTEGER NOT NULL REFERENCES sources(id),
                    file TEXT NOT NULL,
                    format TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    error TEXT,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER
                );
                CREATE INDEX uploads_by_workspace ON uploads(workspace_id, started_at);
                """)
        }
        migrator.registerMigration("tenancy-v1", migrate: tenancyV1)
        migrator.registerMigration("persona-photos-v1") { db in
            try db.execute(sql: """
                CREATE TABLE persona_photos (
                    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                    slug TEXT NOT NULL,
                    media_type TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (workspace_id, slug)
                );
                CREATE TRIGGER persona_photos_follow_persona AFTER DELETE ON personas BEGIN
                    DELETE FROM persona_photos WHERE workspace_id = old.workspace_id AND slug = old.slug;
                END;
                """)
        }
        migrator.registerMigration("alerts-at-risk-v1", migrate: alertsAtRiskV1)
        return migrator
    }

    /// The secondary indexes of `events` and `identities`. A bulk load into an empty store drops
    /// them and builds them when it ends; opening the store builds any that an interrupted load left missing.
    static let deferredIndexes: [(name: String, sql: String)] = [
        ("events_dedupe", "CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events(workspace_id, dedupe)"),
        ("events_by_customer_time", "CREATE INDEX IF NOT EXISTS events_by_customer_time ON events(customer_id, timestamp, id)"),
        ("events_by_workspace", "CREATE INDEX IF NOT EXISTS events_by_workspace ON events(workspace_id, id)"),
        ("identities_key", "CREATE UNIQUE INDEX IF NOT EXISTS identities_key ON identities(workspace_id, kind, value)"),
        ("identities_by_customer", "CREATE INDEX IF NOT EXISTS identities_by_customer ON identities(customer_id)"),
    ]

    /// The deferred indexes as migration v2 made them, before customer data had a workspace.
    private static let deferredIndexesV2 = [
        "CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events(dedupe)",
        "CREATE INDEX IF NOT EXISTS events_by_customer_time ON events(customer_id, timestamp, id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS identities_key ON identities(kind, value)",
        "CREATE INDEX IF NOT EXISTS identities_by_customer ON identities(customer_id)",
    ]
}
