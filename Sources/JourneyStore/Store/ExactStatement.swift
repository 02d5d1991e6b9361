import GRDB
import GRDBSQLite

/// Statements bound and read through SQLite's C interface with the byte length of every text.
///
/// GRDB binds a `String` as a C string and reads one back the same way, so text stops at its
/// first NUL character: `x\u{0}y` would be stored and read as `x`, and two identifiers that
/// differ after a NUL would become one. Customer data (identifiers, event names, answers) comes
/// from outside and may hold any character, so its statements go through here.
struct ExactStatement {
    /// A value to bind.
    enum Value {
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
        case null
    }

    let statement: Statement
    let db: Database

    /// Prepares (or, with `cached`, reuses) the statement of `sql`. Statements whose text is
    /// built per call (a list of placeholders as long as the list) are not cached, so that the
    /// connection's cache does not grow with every length seen.
    init(_ db: Database, _ sql: String, cached: Bool = true) throws {
        self.db = db
        statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// Binds `values` to the parameters in order, from the first.
    func bind(_ values: [Value]) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let number): sqlite3_bind_int64(handle, index, number)
            case .real(let number): sqlite3_bind_double(handle, index, number)
            case .text(let text): Self.bind(handle, index, text)
            case .blob(let bytes):
                bytes.withUnsafeBytes { buffer in
                    // An empty blob is bound as a zero-length blob, not NULL.
                    _ = sqlite3_bind_blob64(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, UInt64(buffer.count), Self.transient)
                }
            case .null: sqlite3_bind_null(handle, index)
            }
        }
    }

    /// Runs the statement with `values`, ignoring any rows; returns the rows it changed.
    @discardableResult
    func execute(_ values: [Value]) throws -> Int {
        bind(values)
        while try step() {}
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Runs the statement with `values`, calling `row` with the statement's handle at each row.
    func forEachRow(_ values: [Value], _ row: (OpaquePointer) throws -> Void) throws {
        bind(values)
        while try step() { try row(handle) }
    }

    /// One step: true at a row, false at the end.
    private func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }

    /// SQLite copies the bytes before the call returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `text` with its byte length, or NULL.
    static func bind(_ handle: OpaquePointer, _ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite takes a non-null pointer with length 0 as ''.
            let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            _ = sqlite3_bind_text64(handle, index, base, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
        }
    }

    /// The bytes of a text column (empty when NULL), read as a blob: SQLite then hands out the
    /// bytes where they lie instead of copying them to add a terminating NUL. Valid until the next step.
    static func bytes(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_blob(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// A text column as a string with every byte, or nil when NULL.
    static func text(_ handle: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        return String(decoding: bytes(handle, column), as: UTF8.self)
    }

    /// An integer column, or nil when NULL.
    static func integer(_ handle: OpaquePointer, _ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
    }
}
