import CustomerData
import GRDB
import GRDBSQLite

/// One stored event as the analytics index reads it: numbers and the raw bytes of its text
/// columns, valid only during the call that receives it.
public struct RawEventRow: ~Copyable {
    /// The customer the event arrived with (follow ``CustomerLinks`` to the stitched customer).
    public var customer: Int64
    /// Milliseconds since 1970.
    public var timestamp: Int64
    /// `track`, `page`, `screen`, `identify`, `group`, `alias` or `feedback`.
    public var type: UnsafeBufferPointer<UInt8>
    /// The event name (page or screen name for those types); empty when absent.
    public var name: UnsafeBufferPointer<UInt8>
    /// The channel; empty when absent.
    public var channel: UnsafeBufferPointer<UInt8>
    /// The stored Segment message (JSON without type, name and timestamp).
    public var message: UnsafeBufferPointer<UInt8>
}

/// Which stitched customer each stored customer number belongs to.
public struct CustomerLinks: Sendable {
    /// Customers that were not merged into another, ascending.
    public var roots: [Int64]
    /// For every customer number up to the largest, the position of its stitched customer in
    /// ``roots``, or -1 for numbers not in use.
    public var rootPosition: [Int32]
}

/// One stored survey answer as the analytics index reads it: numbers and the raw bytes of its
/// text columns, valid only during the call that receives it.
public struct RawFeedbackRow: ~Copyable {
    /// The customer the answer arrived with (follow ``CustomerLinks`` to the stitched customer).
    public var customer: Int64
    /// Milliseconds since 1970.
    public var timestamp: Int64
    /// `nps`, `csat`, `ces` or `text`.
    public var metric: UnsafeBufferPointer<UInt8>
    /// The score, when the answer has one.
    public var score: Double?
    /// The free text, when the answer has one.
    public var text: UnsafeBufferPointer<UInt8>?
    /// The touchpoint id the answer names, when it names one.
    public var touchpoint: UnsafeBufferPointer<UInt8>?
}

extension JourneyStore {
    /// The lowest and highest event row ids, or nil when the store holds no events.
    public func eventIDRange() throws -> ClosedRange<Int64>? {
        try database.read { db in
            // Two subqueries: SQLite looks a lone min() or max() up in the index, but scans the table for both at once.
            let row = try Row.fetchOne(db, sql: "SELECT (SELECT min(id) FROM events), (SELECT max(id) FROM events)")
            guard let low: Int64 = row?[0], let high: Int64 = row?[1] else { return nil }
            return low...high
        }
    }

    /// Calls `body` for every event whose row id is in `ids`, in row id order, straight from
    /// SQLite's buffers. Several scans over disjoint ranges may run at once on different threads.
    public func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws {
        try sequentialRead { db in
            let statement = try db.makeStatement(sql: "SELECT customer_id, timestamp, type, name, channel, message FROM events WHERE id BETWEEN ? AND ?")
            sqlite3_bind_int64(statement.sqliteStatement, 1, ids.lowerBound)
            sqlite3_bind_int64(statement.sqliteStatement, 2, ids.upperBound)
            try Self.forEachRow(of: statement, in: db) { handle in
                let row = RawEventRow(
                    customer: sqlite3_column_int64(handle, 0),
                    timestamp: sqlite3_column_int64(handle, 1),
                    type: Self.text(handle, 2), name: Self.text(handle, 3), channel: Self.text(handle, 4), message: Self.text(handle, 5))
                try body(row)
            }
        }
    }

    /// A read that passes over a whole table once: a large page cache gains it nothing, so the
    /// connection keeps a small one and gives its pages back when done (the pool keeps readers open).
    func sequentialRead<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read { db in
            try db.execute(sql: "PRAGMA cache_size = -4096")
            defer { try? db.execute(sql: "PRAGMA shrink_memory; PRAGMA cache_size = \(Self.cachePages)") }
            return try body(db)
        }
    }

    /// Steps `statement` to its end, calling `row` with the statement's handle at each row.
    private static func forEachRow(of statement: Statement, in db: Database, _ row: (OpaquePointer) throws -> Void) throws {
        let handle = statement.sqliteStatement
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
            try row(handle)
        }
    }

    /// The bytes of a text column (empty when NULL), read as a blob: SQLite then hands out the
    /// bytes where they lie instead of copying them to add a terminating NUL.
    private static func text(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let pointer = sqlite3_column_blob(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// Which stitched customer every customer number belongs to.
    public func customerLinks() throws -> CustomerLinks {
        try sequentialRead { db in
            let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM customers") ?? 0
            var position = [Int32](repeating: -1, count: Int(largest) + 1)
            var roots: [Int64] = []
            var merged: [(Int64, Int64)] = []
            let statement = try db.makeStatement(sql: "SELECT id, merged_into FROM customers ORDER BY id")
            try Self.forEachRow(of: statement, in: db) { handle in
                let id = sqlite3_column_int64(handle, 0)
                if sqlite3_column_type(handle, 1) != SQLITE_NULL {
                    merged.append((id, sqlite3_column_int64(handle, 1)))
                } else {
                    position[Int(id)] = Int32(roots.count)
                    roots.append(id)
                }
            }
            // A merge always names the surviving customer, so one step reaches it.
            for (id, into) in merged where into >= 0 && into < position.count { position[Int(id)] = position[Int(into)] }
            return CustomerLinks(roots: roots, rootPosition: position)
        }
    }

    /// Calls `body` with the traits JSON of every stitched customer, in customer number order.
    public func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try sequentialRead { db in
            let statement = try db.makeStatement(sql: "SELECT id, traits FROM customers WHERE merged_into IS NULL ORDER BY id")
            try Self.forEachRow(of: statement, in: db) { handle in
                try body(sqlite3_column_int64(handle, 0), Self.text(handle, 1))
            }
        }
    }

    /// Calls `body` for every stored survey answer, in arrival order, straight from SQLite's buffers.
    ///
    /// Text stops at its first NUL character, as it does when the column is read as a `String`.
    public func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try sequentialRead { db in
            let statement = try db.makeStatement(sql: "SELECT customer_id, timestamp, metric, score, text, touchpoint FROM feedback ORDER BY event_id")
            try Self.forEachRow(of: statement, in: db) { handle in
                let scoreType = sqlite3_column_type(handle, 3)
                let row = RawFeedbackRow(
                    customer: sqlite3_column_int64(handle, 0),
                    timestamp: sqlite3_column_int64(handle, 1),
                    metric: Self.cText(handle, 2),
                    score: scoreType == SQLITE_INTEGER || scoreType == SQLITE_FLOAT ? sqlite3_column_double(handle, 3) : nil,
                    text: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : Self.cText(handle, 4),
                    touchpoint: sqlite3_column_type(handle, 5) == SQLITE_NULL ? nil : Self.cText(handle, 5))
                try body(row)
            }
        }
    }

    /// A text column up to its first NUL, as `String(cString:)` reads it.
    private static func cText(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let bytes = text(handle, column)
        guard let end = bytes.firstIndex(of: 0) else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[..<end])
    }
}
