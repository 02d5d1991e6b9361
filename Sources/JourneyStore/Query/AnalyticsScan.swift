import CustomerData
import GRDB
import GRDBSQLite

/// One stored event as the analytics index reads it: numbers and the raw bytes of its text
/// columns, valid only during the call that receives it.
public struct RawEventRow: ~Copyable {
    /// The event's sequence number in the workspace: the order it arrived in.
    public var sequence: Int64
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

    /// A row of another backend's reader.
    public init(sequence: Int64, customer: Int64, timestamp: Int64, type: UnsafeBufferPointer<UInt8>, name: UnsafeBufferPointer<UInt8>,
                channel: UnsafeBufferPointer<UInt8>, message: UnsafeBufferPointer<UInt8>) {
        self.sequence = sequence
        self.customer = customer
        self.timestamp = timestamp
        self.type = type
        self.name = name
        self.channel = channel
        self.message = message
    }
}

/// Which stitched customer each stored customer number belongs to.
public struct CustomerLinks: Sendable {
    /// Customers that were not merged into another, ascending.
    public var roots: [Int64]
    /// For every customer number up to the largest, the position of its stitched customer in
    /// ``roots``, or -1 for numbers not in use.
    public var rootPosition: [Int32]

    /// Links as a reader found them.
    public init(roots: [Int64], rootPosition: [Int32]) {
        self.roots = roots
        self.rootPosition = rootPosition
    }

    /// Builds links from a workspace's customer rows, read in customer number order.
    public struct Builder {
        private var links: CustomerLinks
        private var merged: [(Int64, Int64)] = []

        /// A builder for customer numbers up to `largest`.
        public init(largest: Int64) {
            links = CustomerLinks(roots: [], rootPosition: [Int32](repeating: -1, count: Int(max(0, largest)) + 1))
        }

        /// Adds customer `id`, merged into `mergedInto` or stitched (nil); a number outside
        /// 0…largest is not in use and is left out.
        public mutating func add(_ id: Int64, mergedInto: Int64?) {
            guard id >= 0, id < Int64(links.rootPosition.count) else { return }
            if let mergedInto {
                merged.append((id, mergedInto))
            } else {
                links.rootPosition[Int(id)] = Int32(links.roots.count)
                links.roots.append(id)
            }
        }

        /// The links, with every merged customer pointing at its survivor (a merge always names
        /// the surviving customer, so one step reaches it).
        public consuming func finish() -> CustomerLinks {
            for (id, into) in merged where into >= 0 && into < Int64(links.rootPosition.count) {
                links.rootPosition[Int(id)] = links.rootPosition[Int(into)]
            }
            return links
        }
    }
}

/// One stored survey answer as the analytics index reads it: numbers and the raw bytes of its
/// text columns, valid only during the call that receives it.
public struct RawFeedbackRow: ~Copyable {
    /// The sequence number of the event that carried the answer.
    public var sequence: Int64
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

    /// A row of another backend's reader.
    public init(sequence: Int64, customer: Int64, timestamp: Int64, metric: UnsafeBufferPointer<UInt8>, score: Double?,
                text: UnsafeBufferPointer<UInt8>?, touchpoint: UnsafeBufferPointer<UInt8>?) {
        self.sequence = sequence
        self.customer = customer
        self.timestamp = timestamp
        self.metric = metric
        self.score = score
        self.text = text
        self.touchpoint = touchpoint
    }
}

extension WorkspaceData {
    /// The lowest and highest row ids of the workspace's events, or nil when it holds none.
    public func eventIDRange() throws -> ClosedRange<Int64>? {
        try database.read { db in
            // Two subqueries: SQLite looks a lone min() or max() up in the index, but scans for both at once.
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT min(id) FROM events WHERE workspace_id = ?1), (SELECT max(id) FROM events WHERE workspace_id = ?1)
                """, arguments: [rowID])
            guard let low: Int64 = row?[0], let high: Int64 = row?[1] else { return nil }
            return low...high
        }
    }

    /// Calls `body` for every event of the workspace whose row id is in `ids`, in row id order,
    /// straight from SQLite's buffers. Several scans over disjoint ranges may run at once on
    /// different threads.
    public func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws {
        try sequentialRead { db in
            // `+workspace_id` keeps SQLite on the table in row id order, which is one sequential
            // read, instead of the workspace index and a look-up per row.
            try ExactStatement(db, """
                SELECT customer_id, timestamp, type, name, channel, message, id FROM events WHERE id BETWEEN ? AND ? AND +workspace_id = ?
                """).forEachRow([.integer(ids.lowerBound), .integer(ids.upperBound), .integer(rowID)]) { handle in
                try body(Self.eventRow(handle))
            }
        }
    }

    /// A row of `SELECT customer_id, timestamp, type, name, channel, message, id FROM events`.
    private static func eventRow(_ handle: OpaquePointer) -> RawEventRow {
        RawEventRow(
            sequence: sqlite3_column_int64(handle, 6),
            customer: sqlite3_column_int64(handle, 0),
            timestamp: sqlite3_column_int64(handle, 1),
            type: ExactStatement.bytes(handle, 2), name: ExactStatement.bytes(handle, 3), channel: ExactStatement.bytes(handle, 4),
            message: ExactStatement.bytes(handle, 5))
    }

    /// Calls `body` for every event of the workspace that arrived with one of `customers` and has
    /// a row id up to `lastEvent`, found through the customer index, in no particular order.
    public func scanEvents(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawEventRow) throws -> Void) throws {
        try forEachRow(ofCustomers: customers, through: lastEvent) { marks in
            // `+id` and `+workspace_id` keep SQLite on the customer index rather than a pass over the workspace's rows.
            "SELECT customer_id, timestamp, type, name, channel, message, id FROM events WHERE customer_id IN (\(marks)) AND +id <= ? AND +workspace_id = ?"
        } _: { handle in
            try body(Self.eventRow(handle))
        }
    }

    /// Runs the statement `sql` makes of a list of `?` for a part of `customers` (500 at a
    /// time), bound to that part, then to `lastEvent` and the workspace.
    private func forEachRow(ofCustomers customers: [Int64], through lastEvent: Int64, _ sql: (String) -> String,
                            _ row: (OpaquePointer) throws -> Void) throws {
        try database.read { db in
            for start in stride(from: 0, to: customers.count, by: 500) {
                let part = customers[start ..< min(customers.count, start + 500)]
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                try ExactStatement(db, sql(marks)).forEachRow(part.map { .integer($0) } + [.integer(lastEvent), .integer(rowID)], row)
            }
        }
    }

    /// A read that passes over a whole table once: a large page cache gains it nothing, so the
    /// connection keeps a small one and gives its pages back when done (the pool keeps readers open).
    func sequentialRead<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read { db in
            try db.execute(sql: "PRAGMA cache_size = -4096")
            defer { try? db.execute(sql: "PRAGMA shrink_memory; PRAGMA cache_size = \(JourneyStore.cachePages)") }
            return try body(db)
        }
    }

    /// Which stitched customer every customer number of the workspace belongs to.
    public func customerLinks() throws -> CustomerLinks {
        try sequentialRead { db in
            let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM customers WHERE workspace_id = ?", arguments: [rowID]) ?? 0
            var links = CustomerLinks.Builder(largest: largest)
            try ExactStatement(db, "SELECT id, merged_into FROM customers WHERE +workspace_id = ? ORDER BY id").forEachRow([.integer(rowID)]) { handle in
                links.add(sqlite3_column_int64(handle, 0), mergedInto: ExactStatement.integer(handle, 1))
            }
            return links.finish()
        }
    }

    /// Calls `body` with the traits JSON of every stitched customer of the workspace, in customer number order.
    public func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try sequentialRead { db in
            try ExactStatement(db, "SELECT id, traits FROM customers WHERE +workspace_id = ? AND merged_into IS NULL ORDER BY id")
                .forEachRow([.integer(rowID)]) { handle in
                    try body(sqlite3_column_int64(handle, 0), ExactStatement.bytes(handle, 1))
                }
        }
    }

    /// Calls `body` with the traits JSON of those of `customers` (ascending) that are stitched customers of the workspace, in number order.
    public func scanTraits(of customers: [Int64], _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try database.read { db in
            // A few hundred numbers a statement, each found through the primary key.
            for start in stride(from: 0, to: customers.count, by: 500) {
                let part = customers[start ..< min(customers.count, start + 500)]
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                try ExactStatement(db, "SELECT id, traits FROM customers WHERE id IN (\(marks)) AND workspace_id = ? AND merged_into IS NULL ORDER BY id")
                    .forEachRow(part.map { .integer($0) } + [.integer(rowID)]) { handle in
                        try body(sqlite3_column_int64(handle, 0), ExactStatement.bytes(handle, 1))
                    }
            }
        }
    }

    /// Calls `body` for every survey answer of the workspace, in arrival order, straight from SQLite's buffers.
    public func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try scanFeedback(ids: .min ... .max, body)
    }

    /// Calls `body` for every survey answer of the workspace of one of `customers` whose event's
    /// sequence number is up to `lastEvent`, found through the customer index, in no particular order.
    public func scanFeedback(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try forEachRow(ofCustomers: customers, through: lastEvent) { marks in
            "SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback WHERE customer_id IN (\(marks)) AND +event_id <= ? AND +workspace_id = ?"
        } _: { handle in
            try body(Self.feedbackRow(handle))
        }
    }

    /// Calls `body` for every survey answer of the workspace whose event's sequence number is in `ids`, in arrival order.
    public func scanFeedback(ids: ClosedRange<Int64>, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try sequentialRead { db in
            try ExactStatement(db, """
                SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback
                WHERE event_id BETWEEN ? AND ? AND +workspace_id = ? ORDER BY event_id
                """).forEachRow([.integer(ids.lowerBound), .integer(ids.upperBound), .integer(rowID)]) { handle in
                try body(Self.feedbackRow(handle))
            }
        }
    }

    /// A row of `SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback`.
    private static func feedbackRow(_ handle: OpaquePointer) -> RawFeedbackRow {
        let scoreType = sqlite3_column_type(handle, 3)
        return RawFeedbackRow(
            sequence: sqlite3_column_int64(handle, 6),
            customer: sqlite3_column_int64(handle, 0),
            timestamp: sqlite3_column_int64(handle, 1),
            metric: ExactStatement.bytes(handle, 2),
            score: scoreType == SQLITE_INTEGER || scoreType == SQLITE_FLOAT ? sqlite3_column_double(handle, 3) : nil,
            text: sqlite3_column_type(handle, 4) == SQLITE_NULL ? nil : ExactStatement.bytes(handle, 4),
            touchpoint: sqlite3_column_type(handle, 5) == SQLITE_NULL ? nil : ExactStatement.bytes(handle, 5))
    }
}
