import Foundation
import GRDB

extension Schema {
    /// Customer data belongs to a workspace: events, customers, identifiers, feedback, sources,
    /// quarantine entries and refused merges each carry the workspace they were stored into, and
    /// identifiers and deduplication keys are unique within a workspace only, so the same e-mail
    /// in two workspaces is two customers and the same message is stored once in each.
    ///
    /// A store written before has one body of customer data; it goes to the store's only
    /// workspace, or to the workspace `default` (created when missing) when there are none or
    /// several. Write and read-write keys without a workspace, which collected into that data,
    /// are limited to the same workspace. Customer numbers stay unique in the whole store.
    ///
    /// The identity generation moves to the workspace row, so that stitching in one workspace
    /// does not make the writers of the others reload their identity graphs.
    /// `identity_generation.value` is no longer used; `last_customer` still keeps the highest
    /// customer number ever given in the store.
    ///
    /// Customer data rows carry no foreign key to `workspaces` (the importer checks the
    /// workspace once, so the hot insert does not look it up per row); workspaces are never deleted.
    static func tenancyV1(_ db: Database) throws {
        let target = try legacyDataWorkspace(db)
        let owner = target.map(String.init) ?? "NULL"
        try db.execute(sql: """
            ALTER TABLE workspaces ADD COLUMN identity_generation INTEGER NOT NULL DEFAULT 0;
            UPDATE workspaces SET identity_generation = (SELECT value FROM identity_generation WHERE id = 1) WHERE id IS \(owner);

            CREATE TABLE customers_v3 (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                merged_into INTEGER,
                first_seen INTEGER,
                last_seen INTEGER,
                traits TEXT NOT NULL DEFAULT '{}'
            );
            INSERT INTO customers_v3 (id, workspace_id, merged_into, first_seen, last_seen, traits)
                SELECT id, \(owner), merged_into, first_seen, last_seen, traits FROM customers;
            DROP TABLE customers;
            ALTER TABLE customers_v3 RENAME TO customers;
            CREATE INDEX customers_merged ON customers(merged_into) WHERE merged_into IS NOT NULL;
            CREATE INDEX customers_by_workspace ON customers(workspace_id, id);

            DROP INDEX IF EXISTS identities_key;
            DROP INDEX IF EXISTS identities_by_customer;
            CREATE TABLE identities_v3 (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                customer_id INTEGER NOT NULL,
                first_seen INTEGER NOT NULL
            );
            INSERT INTO identities_v3 (id, workspace_id, kind, value, customer_id, first_seen)
                SELECT id, \(owner), kind, value, customer_id, first_seen FROM identities;
            DROP TABLE identities;
            ALTER TABLE identities_v3 RENAME TO identities;

            CREATE TABLE sources_v3 (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                path TEXT NOT NULL,
                format TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER,
                records INTEGER NOT NULL DEFAULT 0,
                imported INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                quarantined INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO sources_v3 (id, workspace_id, path, format, started_at, finished_at, records, imported, duplicates, quarantined)
                SELECT id, \(owner), path, format, started_at, finished_at, records, imported, duplicates, quarantined FROM sources;
            DROP TABLE sources;
            ALTER TABLE sources_v3 RENAME TO sources;
            CREATE INDEX sources_by_workspace ON sources(workspace_id, id);

            DROP INDEX IF EXISTS events_dedupe;
            DROP INDEX IF EXISTS events_by_customer_time;
            CREATE TABLE events_v3 (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
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
            INSERT INTO events_v3 (id, workspace_id, customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line)
                SELECT id, \(owner), customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line FROM events;
            DROP TABLE events;
            ALTER TABLE events_v3 RENAME TO events;

            CREATE TABLE feedback_v3 (
                event_id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                customer_id INTEGER NOT NULL,
                timestamp INTEGER NOT NULL,
                metric TEXT NOT NULL,
                score REAL,
                text TEXT,
                touchpoint TEXT
            );
            INSERT INTO feedback_v3 (event_id, workspace_id, customer_id, timestamp, metric, score, text, touchpoint)
                SELECT event_id, \(owner), customer_id, timestamp, metric, score, text, touchpoint FROM feedback;
            DROP TABLE feedback;
            ALTER TABLE feedback_v3 RENAME TO feedback;
            CREATE INDEX feedback_by_customer ON feedback(customer_id);
            CREATE INDEX feedback_by_workspace ON feedback(workspace_id, event_id);

            CREATE TABLE quarantined_v3 (
                workspace_id INTEGER NOT NULL,
                key BLOB NOT NULL,
                PRIMARY KEY (workspace_id, key)
            ) WITHOUT ROWID;
            INSERT INTO quarantined_v3 (workspace_id, key) SELECT \(owner), key FROM quarantined;
            DROP TABLE quarantined;
            ALTER TABLE quarantined_v3 RENAME TO quarantined;

            CREATE TABLE identity_refusals_v3 (
                id INTEGER PRIMARY KEY,
                workspace_id INTEGER NOT NULL,
                customers TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            INSERT INTO identity_refusals_v3 (id, workspace_id, customers, at) SELECT id, \(owner), customers, at FROM identity_refusals;
            DROP TABLE identity_refusals;
            ALTER TABLE identity_refusals_v3 RENAME TO identity_refusals;

            UPDATE api_keys SET workspace_id = \(owner) WHERE workspace_id IS NULL AND kind IN ('write', 'read-write') AND \(owner) IS NOT NULL;
            """)
        for index in deferredIndexes { try db.execute(sql: index.sql) }
    }

    /// The workspace that the customer data of a store written before workspaces owned it goes
    /// to: the only workspace, else `default` (created when missing); nil when there is no such
    /// data and no key that collected it.
    private static func legacyDataWorkspace(_ db: Database) throws -> Int64? {
        let hasData = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM customers) OR EXISTS (SELECT 1 FROM identities) OR EXISTS (SELECT 1 FROM events)
                OR EXISTS (SELECT 1 FROM sources) OR EXISTS (SELECT 1 FROM feedback) OR EXISTS (SELECT 1 FROM quarantined)
                OR EXISTS (SELECT 1 FROM identity_refusals)
                OR EXISTS (SELECT 1 FROM api_keys WHERE workspace_id IS NULL AND kind IN ('write', 'read-write'))
            """) ?? false
        guard hasData else { return nil }
        let workspaces = try Int64.fetchAll(db, sql: "SELECT id FROM workspaces ORDER BY id LIMIT 2")
        if workspaces.count == 1 { return workspaces[0] }
        if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [defaultWorkspace]) {
            return existing
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try db.execute(sql: "INSERT INTO workspaces (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       arguments: [defaultWorkspace, defaultWorkspaceName, now, now])
        return db.lastInsertedRowID
    }

    /// The id of the workspace that customer data goes to when a store has no workspace to name.
    static let defaultWorkspace = "default"
    /// Its name.
    static let defaultWorkspaceName = "Default"
}
