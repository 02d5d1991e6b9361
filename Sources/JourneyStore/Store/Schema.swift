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
            for index in deferredIndexes { try db.execute(sql: index.sql) }
        }
        migrator.registerMigration("workspaces-v1", migrate: workspacesV1)
        migrator.registerMigration("api-keys-v1", migrate: apiKeysV1)
        migrator.registerMigration("alerts-v1", migrate: alertsV1)
        migrator.registerMigration("accounts-v1", migrate: accountsV1)
        return migrator
    }

    /// The secondary indexes of `events` and `identities`. A bulk load into an empty store drops
    /// them and builds them when it ends; opening the store builds any that an interrupted load left missing.
    static let deferredIndexes: [(name: String, sql: String)] = [
        ("events_dedupe", "CREATE UNIQUE INDEX IF NOT EXISTS events_dedupe ON events(dedupe)"),
        ("events_by_customer_time", "CREATE INDEX IF NOT EXISTS events_by_customer_time ON events(customer_id, timestamp, id)"),
        ("identities_key", "CREATE UNIQUE INDEX IF NOT EXISTS identities_key ON identities(kind, value)"),
        ("identities_by_customer", "CREATE INDEX IF NOT EXISTS identities_by_customer ON identities(customer_id)"),
    ]
}
