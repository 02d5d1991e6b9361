import CustomerData
import GRDB
import GRDBSQLite

/// The import's hot statement, bound through SQLite's C interface: one event row per call
/// without building an argument array of boxed values, each text with its byte length.
struct EventInsert {
    let statement: Statement
    let db: Database
    let workspace: Int64

    init(_ db: Database, workspace: Int64) throws {
        self.db = db
        self.workspace = workspace
        statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO events (workspace_id, customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Inserts one event; false when its deduplication key is already stored in the workspace.
    func insert(customer: Int64, event: Event, prepared: PreparedEvent, source: Int64, line: Int) throws -> Bool {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, workspace)
        sqlite3_bind_int64(handle, 2, customer)
        sqlite3_bind_int64(handle, 3, event.timestamp)
        ExactStatement.bind(handle, 4, event.type.rawValue)
        ExactStatement.bind(handle, 5, event.name)
        ExactStatement.bind(handle, 6, prepared.channel)
        ExactStatement.bind(handle, 7, event.messageId)
        ExactStatement.bind(handle, 8, prepared.payload)
        withUnsafeBytes(of: (prepared.dedupe.0.bigEndian, prepared.dedupe.1.bigEndian)) { key in
            _ = sqlite3_bind_blob(handle, 9, key.baseAddress, 16, ExactStatement.transient)
        }
        sqlite3_bind_int64(handle, 10, source)
        sqlite3_bind_int64(handle, 11, Int64(line))
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }
}
