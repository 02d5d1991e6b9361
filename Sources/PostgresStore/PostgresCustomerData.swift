import CustomerData
import JourneyStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// One workspace's customer data in the team server's PostgreSQL database, as the analytics
/// engine reads it (``CustomerDataReader``): the same rows the embedded store holds, read a page
/// of sequence numbers at a time.
///
/// The engine reads synchronously, on its own threads, so each call takes one of the reader's
/// connections and waits there for its pages; several scans run at once on several connections.
public final class PostgresCustomerData: WorkspaceCustomerData {
    /// The workspace's id and row.
    public let workspace: String
    let rowID: Int64
    private let connections: PostgresConnections
    /// The store whose pool serves the asynchronous reads of a server; nil for a command, which reads synchronously.
    private let store: PostgresWorkspaceStore?
    private var url: PostgresURL { connections.url }

    /// Sequence numbers read in one page.
    static let page: Int64 = 50_000

    /// The customer data of `workspace` in the store at `url`; fails when the workspace does not
    /// exist or the server does not answer.
    public init(url: PostgresURL, workspace: String, logger: Logger = Logger(label: "wayfinder.postgres")) throws {
        connections = PostgresConnections(url: url, logger: logger)
        self.workspace = workspace
        rowID = try connections.workspaceRow(workspace)
        store = nil
    }

    /// The customer data of a workspace of a server's store, sharing its connections.
    init(store: PostgresWorkspaceStore, connections: PostgresConnections, workspace: String, rowID: Int64) {
        self.store = store
        self.connections = connections
        self.workspace = workspace
        self.rowID = rowID
    }

    // MARK: WorkspaceCustomerData

    public var workspaceRow: Int64 { rowID }

    public func overview() async throws -> (counts: WorkspaceData.Counts, sources: [SourceRecord]) {
        let rowID = rowID
        return try await read { db in (try CustomerQuery.counts(db, workspace: rowID), try CustomerQuery.sources(db, workspace: rowID)) }
    }

    public func indexWatermark() async throws -> IndexWatermark {
        let rowID = rowID
        return try await read { db in try CustomerQuery.indexWatermark(db, workspace: rowID) }
    }

    public func quarantinedRecords(file: String?, limit: Int) async throws -> (records: [WorkspaceData.QuarantinedRecord], total: Int) {
        guard limit > 0 else { return ([], 0) }
        let rowID = rowID
        return try await read { db in
            let filter = file == nil ? "" : " AND file = ?"
            let arguments: SQLArguments = file.map { [rowID, $0] } ?? [rowID]
            let total = try db.value(Int.self, sql: "SELECT count(*) FROM quarantine_records WHERE workspace_id = ?" + filter, arguments: arguments) ?? 0
            let rows = try db.rows(sql: """
                SELECT file, line, location, field, reason, quarantined_at FROM quarantine_records WHERE workspace_id = ?\(filter) ORDER BY id DESC LIMIT ?
                """, arguments: arguments + [limit])
            let records = try rows.reversed().map { row in
                WorkspaceData.QuarantinedRecord(file: try row[0], line: try row[1], location: try row[2], field: try row[3], reason: try row[4], quarantinedAt: Timestamp.iso8601(try row[5]))
            }
            return (records, total)
        }
    }

    public func writer(options: Importer.Options) throws -> any CustomerDataWriter { postgresWriter(options: options) }

    /// A writer of this workspace's customer data on the same connections, as its own type.
    public func postgresWriter(options: Importer.Options) -> PostgresCustomerWriter {
        PostgresCustomerWriter(connections: connections, workspace: workspace, rowID: rowID, options: options)
    }

    /// Reads on the store's pool when there is one, else here.
    private func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        if let store { return try await store.read(body) }
        return try transaction(writing: false, body)
    }

    // MARK: CustomerDataReader

    public func eventIDRange() throws -> ClosedRange<Int64>? {
        let row = try query("SELECT min(id), max(id) FROM events WHERE workspace_id = ?", [rowID]).first
        guard let row, let low: Int64 = Self.integer(row, 0), let high: Int64 = Self.integer(row, 1) else { return nil }
        return low...high
    }

    public func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws {
        var low = ids.lowerBound
        while low <= ids.upperBound {
            let high = min(ids.upperBound, low &+ Self.page - 1)
            let rows = try query("""
                SELECT customer_id, timestamp, type, name, channel, message, id FROM events
                WHERE workspace_id = ? AND id BETWEEN ? AND ? ORDER BY id
                """, [rowID, low, high])
            for row in rows { try Self.eventRow(row, body) }
            guard high < ids.upperBound else { break }
            low = high + 1
        }
    }

    public func scanEvents(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawEventRow) throws -> Void) throws {
        try forEachRow(ofCustomers: customers, through: lastEvent) { marks in
            "SELECT customer_id, timestamp, type, name, channel, message, id FROM events WHERE workspace_id = ? AND id <= ? AND customer_id IN (\(marks))"
        } _: { row in
            try Self.eventRow(row, body)
        }
    }

    /// Runs the query `sql` makes of a list of `?` for a part of `customers` (500 at a time),
    /// bound to the workspace, `lastEvent`, then that part.
    private func forEachRow(ofCustomers customers: [Int64], through lastEvent: Int64, _ sql: (String) -> String,
                            _ body: (PostgresRandomAccessRow) throws -> Void) throws {
        for start in stride(from: 0, to: customers.count, by: 500) {
            let part = Array(customers[start ..< min(customers.count, start + 500)])
            for row in try query(sql(Array(repeating: "?", count: part.count).joined(separator: ",")), [rowID, lastEvent] + part) { try body(row) }
        }
    }

    /// Calls `body` with a row of `SELECT customer_id, timestamp, type, name, channel, message, id FROM events`.
    private static func eventRow(_ row: PostgresRandomAccessRow, _ body: (borrowing RawEventRow) throws -> Void) throws {
        try bytes(row, 2) { type in
            try bytes(row, 3) { name in
                try bytes(row, 4) { channel in
                    try bytes(row, 5) { message in
                        try body(RawEventRow(sequence: integer(row, 6) ?? 0, customer: integer(row, 0) ?? 0, timestamp: integer(row, 1) ?? 0,
                                             type: type, name: name, channel: channel, message: message))
                    }
                }
            }
        }
    }

    public func customerLinks() throws -> CustomerLinks {
        let rows = try query("SELECT id, merged_into FROM customers WHERE workspace_id = ? ORDER BY id", [rowID])
        let largest = rows.last.flatMap { Self.integer($0, 0) } ?? 0
        guard largest < Int64(Int32.max) else {
            throw WorkspaceStoreError(.storage, "\(url): customer number \(largest) is beyond what the engine indexes")
        }
        var links = CustomerLinks.Builder(largest: largest)
        for row in rows {
            guard let id = Self.integer(row, 0) else { continue }
            links.add(id, mergedInto: Self.integer(row, 1))
        }
        return links.finish()
    }

    public func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var after: Int64 = -1
        while true {
            let rows = try query("SELECT id, traits FROM customers WHERE workspace_id = ? AND merged_into IS NULL AND id > ? ORDER BY id LIMIT ?",
                                 [rowID, after, Self.page])
            for row in rows {
                let id = Self.integer(row, 0) ?? 0
                try Self.bytes(row, 1) { try body(id, $0) }
                after = id
            }
            if rows.count < Int(Self.page) { return }
        }
    }

    public func scanTraits(of customers: [Int64], _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        for start in stride(from: 0, to: customers.count, by: 500) {
            let part = Array(customers[start ..< min(customers.count, start + 500)])
            let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
            let rows = try query("SELECT id, traits FROM customers WHERE workspace_id = ? AND merged_into IS NULL AND id IN (\(marks)) ORDER BY id",
                                 [rowID] + part)
            for row in rows {
                let id = Self.integer(row, 0) ?? 0
                try Self.bytes(row, 1) { try body(id, $0) }
            }
        }
    }

    public func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try scanFeedback(ids: .min ... .max, body)
    }

    public func scanFeedback(ids: ClosedRange<Int64>, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        var after: Int64 = ids.lowerBound == .min ? .min : ids.lowerBound - 1
        while true {
            let rows = try query("""
                SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback
                WHERE workspace_id = ? AND event_id > ? AND event_id <= ? ORDER BY event_id LIMIT ?
                """, [rowID, after, ids.upperBound, Self.page])
            for row in rows {
                try Self.feedbackRow(row, body)
                after = Self.integer(row, 6) ?? after
            }
            if rows.count < Int(Self.page) { return }
        }
    }

    public func scanFeedback(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try forEachRow(ofCustomers: customers, through: lastEvent) { marks in
            "SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback WHERE workspace_id = ? AND event_id <= ? AND customer_id IN (\(marks))"
        } _: { row in
            try Self.feedbackRow(row, body)
        }
    }

    /// Calls `body` with a row of `SELECT customer_id, timestamp, metric, score, text, touchpoint, event_id FROM feedback`.
    private static func feedbackRow(_ row: PostgresRandomAccessRow, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        let score: Double? = row[3].bytes == nil ? nil : try row[3].decode(Double.self)
        try bytes(row, 2) { metric in
            try optionalBytes(row, 4) { text in
                try optionalBytes(row, 5) { touchpoint in
                    try body(RawFeedbackRow(sequence: integer(row, 6) ?? 0, customer: integer(row, 0) ?? 0, timestamp: integer(row, 1) ?? 0,
                                            metric: metric, score: score, text: text, touchpoint: touchpoint))
                }
            }
        }
    }

    public func rowCounts(through lastEvent: Int64) throws -> (events: Int, feedback: Int) {
        try transaction(writing: false) { try CustomerQuery.rowCounts($0, workspace: rowID, through: lastEvent) }
    }

    public func storeIdentity() throws -> String? {
        try transaction(writing: false) { try CustomerQuery.storeIdentity($0, workspace: rowID) }
    }

    // MARK: Customers

    /// What the workspace's customer data holds.
    public func counts() throws -> WorkspaceData.Counts {
        try transaction(writing: false) { try CustomerQuery.counts($0, workspace: rowID) }
    }

    public func findCustomer(_ text: String, phoneCountry: String? = nil) throws -> Int64? {
        try transaction(writing: false) { try CustomerQuery.find($0, workspace: rowID, text, phoneCountry: phoneCountry) }
    }

    public func customers(limit: Int, offset: Int = 0) throws -> (total: Int, customers: [CustomerRecord]) {
        try transaction(writing: false) { try CustomerQuery.page($0, workspace: rowID, limit: limit, offset: offset) }
    }

    public func customer(_ number: Int64) throws -> CustomerRecord? {
        try transaction(writing: false) { try CustomerQuery.customer($0, workspace: rowID, number) }
    }

    public func timeline(of number: Int64, limit: Int = 1_000) throws -> [TimelineEntry] {
        try transaction(writing: false) { try CustomerQuery.timeline($0, workspace: rowID, of: number, limit: limit) }
    }

    /// Erases a customer in one transaction, with what the identity log and the quarantined
    /// records of the workspace hold of it (records whose text mentions one of its identifiers,
    /// compared without case, as the embedded store scrubs its quarantine file).
    public func forget(_ number: Int64) throws -> CustomerErasure? {
        let rowID = rowID
        return try transaction(writing: true) { db -> CustomerErasure? in
            let ids = try db.values(Int64.self, sql: "SELECT id FROM customers WHERE workspace_id = ? AND (id = ? OR merged_into = ?)",
                                    arguments: [rowID, number, number])
            guard let (erasure, values) = try CustomerQuery.erase(db, workspace: rowID, number) else { return nil }
            var result = erasure
            for start in stride(from: 0, to: ids.count, by: 1_000) {
                let part = ids[start..<min(ids.count, start + 1_000)].map { SQLValue.integer($0) }
                let list = Array(repeating: "?", count: part.count).joined(separator: ",")
                try db.execute(sql: "DELETE FROM identity_log WHERE workspace_id = ? AND (customer_id IN (\(list)) OR merged_into IN (\(list)))",
                               arguments: SQLArguments([.integer(rowID)] + part + part))
            }
            let lowered = values.filter { !$0.isEmpty }.map { $0.lowercased() }
            guard !lowered.isEmpty else { return result }
            let mentioning = try db.rows(sql: "SELECT id, text FROM quarantine_records WHERE workspace_id = ?", arguments: [rowID]).compactMap { row -> Int64? in
                let text = String(decoding: try row[1] as [UInt8], as: UTF8.self).lowercased()
                return lowered.contains { text.contains($0) } ? try row[0] : nil
            }
            for id in mentioning { try db.execute(sql: "DELETE FROM quarantine_records WHERE id = ?", arguments: [id]) }
            result.quarantined = mentioning.count
            return result
        }
    }

    /// Runs `body` in one transaction (serializable when writing), again when another process's
    /// transaction got in its way, as the store's writes do.
    private func transaction<T>(writing: Bool, _ body: (any StoreTransaction) throws -> T) throws -> T {
        try connections.transaction(begin: writing ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try body($0) }
    }

    // MARK: Connections

    private func query(_ sql: String, _ arguments: [Int64]) throws -> [PostgresRandomAccessRow] {
        do {
            return try connections.withConnection { connection in
                try connection.query(PostgresTransaction.numberedPlaceholders(sql), arguments.map { PostgresData(int64: $0) }).wait()
                    .rows.map { $0.makeRandomAccess() }
            }
        } catch {
            throw connections.failure(error)
        }
    }

    // MARK: Cells

    /// An integer column (`bigint`, sent as 8 bytes, big-endian), or nil when NULL.
    static func integer(_ row: PostgresRandomAccessRow, _ column: Int) -> Int64? {
        let cell = row[column]
        guard let bytes = cell.bytes else { return nil }
        if cell.dataType == .int8, cell.format == .binary, bytes.readableBytes == 8 {
            return bytes.getInteger(at: bytes.readerIndex, endianness: .big, as: Int64.self)
        }
        return try? cell.decode(Int64.self)
    }

    /// Calls `body` with the bytes of a text column (empty when NULL), where they lie.
    static func bytes<T>(_ row: PostgresRandomAccessRow, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard let buffer = row[column].bytes else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try buffer.withUnsafeReadableBytes { raw in try body(raw.bindMemory(to: UInt8.self)) }
    }

    static func optionalBytes<T>(_ row: PostgresRandomAccessRow, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) throws -> T {
        guard row[column].bytes != nil else { return try body(nil) }
        return try bytes(row, column) { try body($0) }
    }
}

extension PostgresCustomerData {
    /// Runs `body` holding the lock that updates and erasures of this workspace's copy on a
    /// ClickHouse cluster take (a transaction-scoped advisory lock, held by a transaction open
    /// while `body` runs), so two of them never interleave, from any process. `waiting` is
    /// called once when another holds it.
    public func holdingClusterCopyLock<T>(waiting: () -> Void, _ body: () throws -> T) throws -> T {
        let key = clusterCopyLockKey
        return try connections.transaction(begin: "BEGIN") { db in
            if try db.value(Bool.self, sql: "SELECT pg_try_advisory_xact_lock(?)", arguments: [key]) != true {
                waiting()
                _ = try db.rows(sql: "SELECT 1 FROM pg_advisory_xact_lock(?)", arguments: [key])
            }
            return try body()
        }
    }

    /// The key of that advisory lock (in `pg_locks`, its high 32 bits are `classid`, its low ones `objid`).
    public var clusterCopyLockKey: Int64 { Int64(bitPattern: Digest.hash128("wayfinder-cluster-copy\u{1F}\(rowID)").0) }
}
