import CustomerData
import JourneyStore

/// Copies a whole embedded store (accounts, workspaces, maps and versions, comments, keys,
/// alerts, uploads and all customer data) into an empty PostgreSQL store, in one transaction:
/// the copy is all there or not at all. Rows keep their numbers, so customer ids, map versions
/// and links stay what they were. Each table's rows are counted on both sides before the commit,
/// and each workspace's customer data is read back and checked by its digest after it.
public struct PostgresStoreCopy {
    /// What was copied.
    public struct Summary: Sendable {
        /// Rows per table, in copy order.
        public var rows: [(table: String, count: Int)] = []
        /// Each workspace's customer data as read back from PostgreSQL.
        public var workspaces: [(id: String, digest: CustomerDataDigest)] = []
    }

    /// The tables in an order that keeps every reference to a row after the row.
    static let tables = [
        "workspaces", "users", "personas", "persona_photos", "journey_maps", "journey_map_versions", "comments", "memberships", "sessions",
        "sign_in_failures", "share_links", "api_keys", "sources", "uploads", "customers", "identities", "events", "feedback", "quarantined",
        "identity_refusals", "identity_generation", "alert_rules", "alert_positions", "alert_deliveries", "alert_attempts",
    ]

    /// Tables read in pages of their key; the others are small and read whole.
    static let pagedBy = ["workspaces": "id", "users": "id", "personas": "id", "journey_maps": "id", "comments": "id", "sessions": "id",
                          "sign_in_failures": "id", "share_links": "id", "api_keys": "id", "sources": "id", "customers": "id", "identities": "id",
                          "events": "id", "feedback": "event_id", "identity_refusals": "id", "alert_rules": "id", "alert_deliveries": "id",
                          "alert_attempts": "id"]

    /// Rows read from the embedded store at once.
    static let page = 20_000

    public let source: JourneyStore
    public let target: PostgresWorkspaceStore

    public init(source: JourneyStore, target: PostgresWorkspaceStore) {
        self.source = source
        self.target = target
    }

    /// Copies the store; `progress` receives the table being copied, its rows copied so far and its rows in all.
    public func copy(progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) async throws(WorkspaceStoreError) -> Summary {
        let source = source
        // A table this copy does not know (a store written by a newer Wayfinder) would be left
        // behind without a word: refuse instead.
        let present: [String]
        do {
            present = try source.readNow { sqlite in
                try sqlite.values(String.self, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'")
            }
        } catch {
            throw WorkspaceStoreError(.storage, "\(source.path): the store's tables could not be listed (\(error)); check that it is a Wayfinder database")
        }
        if let unknown = Set(present).subtracting(Self.tables).sorted().first {
            throw WorkspaceStoreError(.invalidInput, "\(source.path): the store has a table '\(unknown)' this Wayfinder does not copy; copy it with the Wayfinder that wrote it")
        }
        var summary = try await target.bulkWrite { db -> Summary in
            let present = try db.value(Int64.self, sql: "SELECT (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM users)") ?? 0
            guard present == 0 else {
                throw WorkspaceStoreError(.alreadyExists, "the PostgreSQL store already holds workspaces or users; copy into an empty database, or a schema of its own (?schema=NAME)")
            }
            var summary = Summary()
            // The copy brings the store's own row.
            try db.execute(sql: "DELETE FROM identity_generation")
            for table in Self.tables {
                let copied = try Self.copy(table, from: source, to: db, progress: progress)
                summary.rows.append((table, copied))
            }
            // The records the embedded store set aside live in a file beside it, one per workspace.
            summary.rows.append(("quarantine_records", try Self.copyQuarantine(from: source, to: db)))
            // Numbers given from now on follow the copied ones.
            for (table, key) in Self.pagedBy where key == "id" {
                try db.execute(sql: "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM \(table)")
            }
            return summary
        }
        let workspaces = try await source.workspaces().map(\.id)
        for id in workspaces {
            do {
                let expected = try CustomerDataDigest.of(try await source.workspaceData(id))
                let written = try CustomerDataDigest.of(try PostgresCustomerData(url: target.url, workspace: id))
                guard written == expected else {
                    throw WorkspaceStoreError(.storage, "the copy of workspace '\(id)' does not match its source (source: \(expected); copy: \(written)); drop the copy and run it again")
                }
                summary.workspaces.append((id, written))
            } catch let error as WorkspaceStoreError {
                throw error
            } catch {
                throw WorkspaceStoreError(.storage, "workspace '\(id)' could not be checked (\(error)); drop the copy and run it again")
            }
        }
        return summary
    }

    /// Copies each workspace's quarantine file into `quarantine_records`, a block of the file at a
    /// time; returns how many records were copied. A line that is not a record the store wrote
    /// is skipped, as the quarantine listing skips it.
    static func copyQuarantine(from source: JourneyStore, to db: PostgresTransaction) throws -> Int {
        let workspaces = try source.readNow { sqlite in try sqlite.rows(sql: "SELECT id, slug FROM workspaces ORDER BY id") }
        let columns = ["workspace_id", "file", "line", "location", "field", "reason", "text", "quarantined_at"]
        var copied = 0
        for workspace in workspaces {
            let row: Int64 = try workspace[0], slug: String = try workspace[1]
            var rows: [SQLRow] = []
            func flush() throws {
                guard !rows.isEmpty else { return }
                try db.insertRows(table: "quarantine_records", columns: columns, rows: rows[...])
                copied += rows.count
                rows = []
            }
            try WorkspaceData.readQuarantine(at: source.quarantinePath(workspace: slug)) { record, text in
                let at = (try? Timestamp.parse(record.quarantinedAt)) ?? 0
                let texts = [record.file, record.location, record.field, record.reason].map { SQLValue.text(PostgresCustomerWriter.withoutNUL($0)) }
                rows.append(SQLRow(columns: [], values: [.integer(row), texts[0], .integer(Int64(record.line)), texts[1], texts[2], texts[3],
                                                         .blob(Array(text.utf8)), .integer(at)]))
                if rows.count >= page { try flush() }
            }
            try flush()
        }
        return copied
    }

    /// Copies one table and checks that the target has as many rows as the source.
    static func copy(_ table: String, from source: JourneyStore, to db: PostgresTransaction,
                     progress: (String, Int, Int) -> Void) throws -> Int {
        let (columns, total) = try source.readNow { sqlite in
            (try sqlite.values(String.self, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table]),
             try sqlite.value(Int.self, sql: "SELECT count(*) FROM \(table)") ?? 0)
        }
        let list = columns.joined(separator: ", ")
        var copied = 0
        func insertAll(_ rows: [SQLRow]) throws {
            guard !rows.isEmpty else { return }
            try db.insertRows(table: table, columns: columns, rows: rows[...])
            copied += rows.count
            progress(table, copied, total)
        }
        if let key = pagedBy[table] {
            var after = Int64.min
            while true {
                let rows = try source.readNow { sqlite in
                    try sqlite.rows(sql: "SELECT \(list) FROM \(table) WHERE \(key) > ? ORDER BY \(key) LIMIT ?", arguments: [after, page])
                }
                try insertAll(rows)
                guard rows.count == page, let last: Int64 = try rows.last?[key] else { break }
                after = last
            }
        } else {
            try insertAll(try source.readNow { sqlite in try sqlite.rows(sql: "SELECT \(list) FROM \(table)") })
        }
        let written = try db.value(Int.self, sql: "SELECT count(*) FROM \(table)") ?? -1
        guard written == total, copied == total else {
            throw WorkspaceStoreError(.storage, "table \(table): \(total) rows in the store but \(written) in the copy; nothing was written")
        }
        return total
    }
}
