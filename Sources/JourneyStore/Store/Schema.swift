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
        return migrator
    }
}
