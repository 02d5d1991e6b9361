import GRDB
import GRDBSQLite

/// A write or read transaction of the embedded SQLite store, as the shared store logic sees it.
///
/// Statements go through ``ExactStatement``, so text is bound and read with its byte length
/// (a NUL character inside a name or a comment is kept, not cut). They are prepared for each
/// call, as GRDB's `Row.fetchAll` did before: some are built per call, and the workspace calls
/// are few next to the time a statement takes to prepare.
struct SQLiteTransaction: StoreTransaction {
    let db: Database
    /// Whether statements stay prepared in the connection's cache: for the few fixed statements
    /// run once per event (alert evaluation), not for those built per call.
    var cached = false

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try Self.constraints { try ExactStatement(db, sql, cached: cached).execute(arguments.values.map(Self.value)) }
    }

    func rows(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        try Self.constraints {
            let statement = try ExactStatement(db, sql, cached: cached)
            var columns: [String]?
            var rows: [SQLRow] = []
            try statement.forEachRow(arguments.values.map(Self.value)) { handle in
                let count = sqlite3_column_count(handle)
                let names = columns ?? (0..<count).map { String(cString: sqlite3_column_name(handle, $0)) }
                columns = names
                rows.append(SQLRow(columns: names, values: (0..<count).map { Self.column(handle, $0) }))
            }
            return rows
        }
    }

    /// A unique key met twice reads as ``SQLConstraintError/unique``, whatever the database.
    private static func constraints<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw SQLConstraintError.unique
        }
    }

    private static func value(_ value: SQLValue) -> ExactStatement.Value {
        switch value {
        case .null: .null
        case .integer(let number): .integer(number)
        case .real(let number): .real(number)
        case .text(let text): .text(text)
        case .blob(let bytes): .blob(bytes)
        }
    }

    private static func column(_ handle: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: .text(ExactStatement.text(handle, index) ?? "")
        case SQLITE_BLOB: .blob(Array(ExactStatement.bytes(handle, index)))
        default: .null
        }
    }
}
