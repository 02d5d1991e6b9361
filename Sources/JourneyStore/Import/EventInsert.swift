import CustomerData
import GRDB
import GRDBSQLite

/// The import's hot statement, bound through SQLite's C interface: one event row per call
/// without building an argument array of boxed values.
struct EventInsert {
    let statement: Statement
    let db: Database

    init(_ db: Database) throws {
        self.db = db
        statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO events (customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Inserts one event; false when its deduplication key is already stored.
    func insert(customer: Int64, event: Event, prepared: PreparedEvent, source: Int64, line: Int) throws -> Bool {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, customer)
        sqlite3_bind_int64(handle, 2, event.timestamp)
        Self.bind(handle, 3, event.type.rawValue)
        Self.bind(handle, 4, event.name)
        Self.bind(handle, 5, prepared.channel)
        Self.bind(handle, 6, event.messageId)
        Self.bind(handle, 7, prepared.payload)
        withUnsafeBytes(of: (prepared.dedupe.0.bigEndian, prepared.dedupe.1.bigEndian)) { key in
            _ = sqlite3_bind_blob(handle, 8, key.baseAddress, 16, Self.transient)
        }
        sqlite3_bind_int64(handle, 9, source)
        sqlite3_bind_int64(handle, 10, Int64(line))
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    /// SQLite copies the bytes before the call returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ handle: OpaquePointer, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
    }
}
