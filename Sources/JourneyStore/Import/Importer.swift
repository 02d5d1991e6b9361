import CustomerData
import Foundation
import GRDB

/// Streams input files into the store: parses, checks, stitches identities, deduplicates,
/// and commits in batches, quarantining every record it cannot use.
///
/// A batch is one transaction that holds its events, identities, customers and the file's
/// running counts, so after a kill the store holds exactly the batches it acknowledged, and
/// importing the same file again adds only what is missing.
public final class Importer {
    /// Import settings.
    public struct Options: Sendable {
        /// Records per transaction.
        public var batchSize = 5_000
        /// The most identifiers one customer may hold before merges into it are refused.
        public var maximumClusterSize = 100
        /// Identifier values that never link customers.
        public var junk = Identifier.defaultJunk
        /// The country calling code (digits, such as `44`) that national phone numbers belong to.
        public var phoneCountry: String?

        /// Default settings.
        public init() {}
    }

    /// Where an import stands, reported after each committed batch.
    public struct Progress: Sendable {
        /// The file being read.
        public var file: String
        /// Bytes of it read so far (compressed size for gzip).
        public var bytesRead: Int64
        /// Its size on disk.
        public var bytesTotal: Int64
        /// Counts committed so far in this file.
        public var counts: Counts
        /// Seconds since the import of this file began.
        public var elapsed: Double
        /// Whether every record is read and the indexes deferred by a bulk load are being built.
        public var indexing = false

        /// Where the import of `file` stands.
        public init(file: String, bytesRead: Int64, bytesTotal: Int64, counts: Counts, elapsed: Double, indexing: Bool = false) {
            self.file = file
            self.bytesRead = bytesRead
            self.bytesTotal = bytesTotal
            self.counts = counts
            self.elapsed = elapsed
            self.indexing = indexing
        }
    }

    /// Record counts.
    public struct Counts: Sendable, Codable, Equatable {
        /// Records read.
        public var records = 0
        /// Events stored.
        public var imported = 0
        /// Records already in the store.
        public var duplicates = 0
        /// Records written to the quarantine file.
        public var quarantined = 0

        /// All zero.
        public init() {}

        /// Counts of a commit or file.
        public init(records: Int, imported: Int = 0, duplicates: Int = 0, quarantined: Int = 0) {
            self.records = records
            self.imported = imported
            self.duplicates = duplicates
            self.quarantined = quarantined
        }

        /// Both counts added up.
        public static func + (lhs: Counts, rhs: Counts) -> Counts {
            Counts(records: lhs.records + rhs.records, imported: lhs.imported + rhs.imported,
                   duplicates: lhs.duplicates + rhs.duplicates, quarantined: lhs.quarantined + rhs.quarantined)
        }
    }

    /// The outcome of one file.
    public struct FileSummary: Sendable, Codable {
        /// The path as given.
        public var file: String
        /// The format read.
        public var format: String
        /// Its counts.
        public var counts: Counts

        /// The outcome of one file.
        public init(file: String, format: String, counts: Counts) {
            self.file = file
            self.format = format
            self.counts = counts
        }
    }

    /// The outcome of an import run.
    public struct Summary: Sendable, Codable {
        /// Per file.
        public var files: [FileSummary]
        /// Events stored.
        public var imported: Int
        /// Records already present.
        public var duplicates: Int
        /// Records quarantined.
        public var quarantined: Int
        /// Where quarantined records went.
        public var quarantineFile: String
        /// Customers created by this run.
        public var customersCreated: Int
        /// Customers merged into others by this run.
        public var customersMerged: Int
        /// Merges refused because a cluster was too large.
        public var mergesRefused: Int
        /// Wall-clock seconds.
        public var seconds: Double

        /// The outcome of `files`, which created, merged and refused as said, in `seconds`.
        public init(files: [FileSummary], quarantineFile: String, customersCreated: Int, customersMerged: Int, mergesRefused: Int, seconds: Double) {
            let total = files.reduce(Counts()) { $0 + $1.counts }
            self.files = files
            imported = total.imported
            duplicates = total.duplicates
            quarantined = total.quarantined
            self.quarantineFile = quarantineFile
            self.customersCreated = customersCreated
            self.customersMerged = customersMerged
            self.mergesRefused = mergesRefused
            self.seconds = seconds
        }

        enum CodingKeys: String, CodingKey {
            case files, imported, duplicates, quarantined, seconds
            case quarantineFile = "quarantine_file"
            case customersCreated = "customers_created"
            case customersMerged = "customers_merged"
            case mergesRefused = "merges_refused"
        }
    }

    /// The workspace whose customer data the import adds to.
    public let data: WorkspaceData
    var store: JourneyStore { data.store }
    let options: Options
    var graph: IdentityGraph
    /// The store's identity generation that `graph` reflects; another number in the store means
    /// another process changed customers since (or, -1, that a failed commit left the graph
    /// ahead of the store), and the graph is loaded again before writing.
    var graphGeneration: Int64
    let quarantine: QuarantineWriter
    var files: [FileSummary] = []
    var created = 0, merged = 0, refused = 0
    /// Whether the current file is a bulk load: indexes deferred, duplicates found in `seen`.
    var bulk = false
    var seen = DigestSet()
    /// First and last event per customer number, kept in memory during a bulk load.
    var spans: [(first: Int64, last: Int64)] = []
    /// Evaluates alert rules on each commit's new events inside the commit (streams only).
    var alerts: AlertEvaluator?
    /// Commits whose events were stored but whose alert rules could not be evaluated (a stored
    /// map that cannot be read, say); their alerts were not enqueued.
    public private(set) var alertEvaluationFailures = 0
    let started = Date()

    /// The format of the source a server's collection stream records its events under.
    public static let collectionFormat = "http"

    /// Prepares an import into a workspace's customer data, loading its identity graph.
    public init(data: WorkspaceData, options: Options = Options()) throws {
        if let problem = data.store.indexProblem { throw JourneyStore.Failure(description: problem) }
        self.data = data
        self.options = options
        (graph, graphGeneration) = try data.loadIdentityGraph(maximumClusterSize: options.maximumClusterSize)
        quarantine = QuarantineWriter(path: data.quarantinePath)
    }

    /// Imports one file.
    public func importFile(_ path: String, format: RecordReader.Format? = nil, mapping: CSVMapping = .standard,
                           progress: ((Progress) -> Void)? = nil) throws -> FileSummary {
        // Opening the file here reports an unreadable path before anything is recorded.
        let detected = try RecordReader(path: path, format: format, mapping: mapping).format
        let sourceID = try store.database.write { db -> Int64 in
            try ExactStatement(db, "INSERT INTO sources (workspace_id, path, format, started_at) VALUES (?, ?, ?, ?)")
                .execute([.integer(data.rowID), .text(path), .text(detected.rawValue), .integer(Int64(Date().timeIntervalSince1970 * 1000))])
            let source = db.lastInsertedRowID
            // Into an empty store (of every workspace: the indexes are the store's), events are appended without their secondary indexes, which are
            // built in one sorted pass when the file ends: random-order index inserts dominate
            // otherwise. Not while a server collects into the store (an open http stream): its
            // writer needs the unique indexes to deduplicate.
            bulk = try Bool.fetchOne(db, sql: """
                SELECT NOT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM sources WHERE format = ? AND finished_at IS NULL)
                """, arguments: [Self.collectionFormat]) ?? false
            if bulk { try JourneyStore.dropDeferredIndexes(db) }
            return source
        }
        // Appending needs few cached pages; the memory goes to the deduplication set instead.
        let bulkLoad = bulk
        if bulkLoad { try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -32768") } }
        defer {
            if bulkLoad { try? store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(JourneyStore.cachePages)") } }
        }
        seen = DigestSet()
        spans = []
        let checkpointer = Checkpointer(path: store.path)
        if checkpointer != nil { try store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") } }
        defer {
            seen = DigestSet()
            spans = []
            if let checkpointer {
                checkpointer.stop()
                try? store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(JourneyStore.walCheckpointPages)") }
            }
        }
        let fileStart = Date()
        var counts = Counts()
        var fileSize: Int64 = 0
        let batches = RecordBatches(path: path, format: detected, mapping: mapping, batchSize: options.batchSize, prepareWithJunk: options.junk,
                                    phoneCountry: options.phoneCountry)
        reading: while true {
            switch batches.next() {
            case .batch(let records, let bytesRead, let size, _):
                fileSize = size
                if bulk, counts.records == 0, bytesRead > 0, !records.isEmpty {
                    // Sized once for the whole file from the first batch's bytes per record, but never
                    // beyond one record per 12 bytes (a date and an id), whatever a short first batch suggests.
                    let estimate = Double(size) / Double(bytesRead) * Double(records.count) * 1.1
                    seen.reserve(Int(min(estimate, Double(size) / 12)))
                }
                do {
                    counts = counts + (try commit(records, file: path, sourceID: sourceID))
                    checkpointer?.signal()
                    batches.recycle(records)
                } catch {
                    batches.cancel()
                    try endBulkLoadEarly()
                    throw error
                }
                progress?(Progress(file: path, bytesRead: bytesRead, bytesTotal: size, counts: counts, elapsed: Date().timeIntervalSince(fileStart)))
            case .end:
                break reading
            case .failure(let failure):
                try endBulkLoadEarly()
                throw failure
            }
        }
        if bulk {
            progress?(Progress(file: path, bytesRead: fileSize, bytesTotal: fileSize, counts: counts, elapsed: Date().timeIntervalSince(fileStart),
                               indexing: true))
            let spans = self.spans
            try store.completeBulkLoad { db in
                let update = try db.cachedStatement(sql: """
                    UPDATE customers SET first_seen = min(coalesce(first_seen, ?1), ?1), last_seen = max(coalesce(last_seen, ?2), ?2) WHERE id = ?3
                    """)
                for (index, span) in spans.enumerated() where span.first != .max {
                    try update.execute(arguments: [span.first, span.last, index])
                }
            }
            bulk = false
        }
        try store.database.write { db in
            try db.execute(sql: "UPDATE sources SET finished_at = ? WHERE id = ?", arguments: [Int64(Date().timeIntervalSince1970 * 1000), sourceID])
        }
        let summary = FileSummary(file: path, format: detected.rawValue, counts: counts)
        files.append(summary)
        return summary
    }

    /// After a file stops half way, builds the indexes a bulk load dropped, so that what follows
    /// (a rerun of the file) finds the events committed so far and adds each record once.
    private func endBulkLoadEarly() throws {
        guard bulk else { return }
        bulk = false
        try store.completeBulkLoad()
    }

    /// The summary of everything imported by this importer.
    public func summary() -> Summary {
        Summary(files: files, quarantineFile: quarantine.path, customersCreated: created, customersMerged: merged, mergesRefused: refused,
                seconds: Date().timeIntervalSince(started))
    }

    // MARK: One batch

    /// What a commit's events change of one customer: the first and last time seen, and the
    /// traits their identify events set, in order.
    public struct CustomerUpdate {
        public var first: Int64
        public var last: Int64
        public var traits: [(String, JSONValue)] = []

        /// The change of one event at `first`.
        public init(first: Int64, last: Int64) {
            self.first = first
            self.last = last
        }

        /// Adds an event at `timestamp` that sets `more` traits.
        public mutating func add(_ timestamp: Int64, traits more: [(String, JSONValue)]) {
            first = min(first, timestamp)
            last = max(last, timestamp)
            for (key, value) in more { Self.patch(&traits, key, value) }
        }

        /// JSON merge patch (RFC 7396, as SQLite's `json_patch`) of one entry: objects merge key by key,
        /// anything else replaces, so several identify events in one batch end as they would one by one.
        public static func patch(_ entries: inout [(String, JSONValue)], _ key: String, _ value: JSONValue) {
            guard let index = entries.firstIndex(where: { $0.0 == key }) else {
                entries.append((key, value))
                return
            }
            if case .object(var inner) = entries[index].1, case .object(let more) = value {
                for (innerKey, innerValue) in more { patch(&inner, innerKey, innerValue) }
                entries[index].1 = .object(inner)
            } else {
                entries[index].1 = value
            }
        }
    }

    func commit(_ records: [InputRecord], file: String, sourceID: Int64) throws -> Counts {
        try commit([RecordGroup(origin: file, records: records)], sourceID: sourceID)[0]
    }

    /// Stores groups of records in one transaction. When another process (an import beside the
    /// server, `wayfinder forget`) changed customers since the graph was loaded, or a commit of
    /// this importer failed after changing the graph, the graph is loaded again first, inside the
    /// same transaction, so that every identifier is stitched to the customer the store has.
    func commit(_ groups: [RecordGroup], sourceID: Int64) throws -> [Counts] {
        var results = groups.map { Counts(records: $0.records.count) }
        var generation: Int64?
        do {
            try store.database.write { db in
                try commitGroups(groups, sourceID: sourceID, db: db, results: &results, generation: &generation)
            }
        } catch {
            graphGeneration = -1  // the graph may be ahead of the store now
            throw error
        }
        if let generation { graphGeneration = generation }
        return results
    }

    private func commitGroups(_ groups: [RecordGroup], sourceID: Int64, db: Database, results: inout [Counts], generation: inout Int64?) throws {
        // First, before anything is written: the transaction holds the write lock, so the graph read here stays current.
        if try JourneyStore.identityGeneration(db, workspace: data.rowID) != graphGeneration {
            (graph, graphGeneration) = try data.identityGraph(db, maximumClusterSize: options.maximumClusterSize)
        } else {
            // Customer numbers are the store's: another workspace's writer may have given some since.
            graph.reserve(try JourneyStore.lastCustomer(db))
        }
        var stitched = false
        var failures = groups.map { group in group.records.filter { if case .failure = $0.result { true } else { false } } }
        for index in groups.indices { results[index].quarantined = failures[index].count }
        func quarantineOnce(_ records: [InputRecord], file: String) throws {
            // A record quarantined by an earlier run of the same file is counted again but written once.
            let remember = try db.cachedStatement(sql: "INSERT OR IGNORE INTO quarantined (workspace_id, key) VALUES (?, ?)")
            var fresh: [InputRecord] = []
            for record in records {
                try remember.execute(arguments: [data.rowID, Self.quarantineKey(record, origin: file)])
                if db.changesCount > 0 { fresh.append(record) }
            }
            if !fresh.isEmpty { try quarantine.write(fresh, file: file) }
        }
        let workspace = data.rowID
        let insertEvent = try EventInsert(db, workspace: workspace)
        let insertIdentity = try ExactStatement(db, "INSERT OR IGNORE INTO identities (workspace_id, kind, value, customer_id, first_seen) VALUES (?, ?, ?, ?, ?)")
        let insertCustomer = try db.cachedStatement(sql: "INSERT INTO customers (id, workspace_id, first_seen, last_seen) VALUES (?, ?, ?, ?)")
        let insertFeedback = try ExactStatement(db, """
            INSERT INTO feedback (event_id, workspace_id, customer_id, timestamp, metric, score, text, touchpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var updates: [Int64: CustomerUpdate] = [:]
        var committed: [CommittedEvent] = []
        for (group, records) in groups.map(\.records).enumerated() {
            for record in records {
                guard case .success(let event) = record.result else { continue }
                let prepared = record.prepared ?? PreparedEvent(event, junk: options.junk, phoneCountry: options.phoneCountry)
                let identifiers = Self.identifiers(of: event, prepared, graph: graph, junk: options.junk)
                guard !identifiers.isEmpty else {
                    failures[group].append(Self.allJunk(record))
                    results[group].quarantined += 1
                    continue
                }
                let resolution = graph.resolve(identifiers)
                let customer = resolution.customer
                if resolution.created {
                    try insertCustomer.execute(arguments: [customer, workspace, event.timestamp, event.timestamp])
                    created += 1
                }
                if resolution.created || !resolution.linked.isEmpty || !resolution.merged.isEmpty { stitched = true }
                for identifier in resolution.linked {
                    try insertIdentity.execute([.integer(workspace), .text(identifier.kind.rawValue), .text(identifier.value), .integer(customer), .integer(event.timestamp)])
                }
                for old in resolution.merged {
                    try merge(old, into: customer, db: db)
                    if bulk, old < spans.count, spans[Int(old)].first != .max {
                        extendSpan(of: customer, spans[Int(old)].first, spans[Int(old)].last)
                        spans[Int(old)] = (.max, .min)
                    }
                    merged += 1
                    if let pending = updates.removeValue(forKey: old) {
                        updates[customer, default: pending].first = min(updates[customer]?.first ?? pending.first, pending.first)
                        updates[customer]!.last = max(updates[customer]!.last, pending.last)
                        for (key, value) in pending.traits { CustomerUpdate.patch(&updates[customer]!.traits, key, value) }
                    }
                }
                if !resolution.refused.isEmpty {
                    refused += resolution.refused.count
                    try db.execute(sql: "INSERT INTO identity_refusals (workspace_id, customers, at) VALUES (?, ?, ?)",
                                   arguments: [workspace, ([customer] + resolution.refused).map(CustomerID.text).joined(separator: ","), event.timestamp])
                }
                if bulk, !seen.insert(prepared.dedupe) {
                    results[group].duplicates += 1
                    continue
                }
                guard try insertEvent.insert(customer: customer, event: event, prepared: prepared, source: sourceID, line: record.line) else {
                    results[group].duplicates += 1
                    continue
                }
                results[group].imported += 1
                let eventID = db.lastInsertedRowID
                if let feedback = prepared.feedback {
                    try insertFeedback.execute([.integer(eventID), .integer(workspace), .integer(customer), .integer(event.timestamp),
                                                .text(feedback.metric.rawValue), feedback.score.map { .real($0) } ?? .null,
                                                feedback.text.map { .text($0) } ?? .null, feedback.touchpoint.map { .text($0) } ?? .null])
                }
                if alerts != nil { committed.append(CommittedEvent(id: eventID, customer: customer, event: event, feedback: prepared.feedback)) }
                // A bulk load keeps first and last seen in memory and stores them when it ends.
                if bulk { extendSpan(of: customer, event.timestamp, event.timestamp) }
                if !bulk || !prepared.traits.isEmpty {
                    updates[customer, default: CustomerUpdate(first: event.timestamp, last: event.timestamp)].add(event.timestamp, traits: prepared.traits)
                }
            }
        }
        let touch = try db.cachedStatement(sql: """
            UPDATE customers SET first_seen = min(coalesce(first_seen, ?1), ?1), last_seen = max(coalesce(last_seen, ?2), ?2),
                traits = CASE WHEN ?3 IS NULL THEN traits ELSE json_patch(traits, ?3) END
            WHERE id = ?4
            """)
        for (customer, update) in updates {
            let traits: String? = update.traits.isEmpty ? nil : JSONValue.object(update.traits).json
            try touch.execute(arguments: [update.first, update.last, traits, graph.root(of: customer)])
        }
        for (index, group) in groups.enumerated() { try quarantineOnce(failures[index], file: group.origin) }
        if let alerts, !committed.isEmpty {
            // A rule that cannot be evaluated must not cost the events: its work is rolled back
            // to a savepoint and counted, and the events are committed.
            do {
                try db.inSavepoint {
                    try alerts.evaluate(committed, workspace: workspace, db: SQLiteTransaction(db: db, cached: true), root: graph.root(of:))
                    return .commit
                }
            } catch {
                alertEvaluationFailures += 1
            }
        }
        let total = results.reduce(Counts(), +)
        try db.execute(sql: """
            UPDATE sources SET records = records + ?, imported = imported + ?, duplicates = duplicates + ?, quarantined = quarantined + ?
            WHERE id = ?
            """, arguments: [total.records, total.imported, total.duplicates, total.quarantined, sourceID])
        if stitched { generation = try JourneyStore.raiseIdentityGeneration(db, workspace: workspace) }
    }

    /// The identifiers an event stitches: its own, and a `previousId` (Segment's `alias`) as the
    /// user id the graph knows, else as an anonymous id.
    public static func identifiers(of event: Event, _ prepared: PreparedEvent, graph: IdentityGraph, junk: Set<String>) -> [Identifier] {
        var identifiers = prepared.identifiers
        if let previous = event.previousId {
            let asUser = Identifier.make(.user, previous, junk: junk)
            let asAnonymous = Identifier.make(.anonymous, previous, junk: junk)
            let previous = asUser.flatMap { graph.customer(of: $0) != nil ? $0 : nil } ?? asAnonymous
            // An alias naming the id it already carries (previousId equal to anonymousId) links nothing new.
            if let previous, !identifiers.contains(previous) { identifiers.append(previous) }
        }
        return identifiers
    }

    /// A record set aside because it names no customer but by junk values.
    public static func allJunk(_ record: InputRecord) -> InputRecord {
        InputRecord(line: record.line, location: record.location, text: record.text,
                    result: .failure(RecordProblem(field: "userId", message: "every identifier of the record is a junk value")))
    }

    /// The key that remembers a quarantined record, so that a record quarantined by an earlier
    /// run of the same file is counted again but set aside once.
    /// The events of one row (`line 4, event 2`) each have their own.
    public static func quarantineKey(_ record: InputRecord, origin: String) -> Data {
        let event = record.location.range(of: ", event ").map { String(record.location[$0.lowerBound...]) } ?? ""
        return key("q:\(origin):\(record.line):\(record.text)\(event)")
    }

    /// A 16-byte digest used as a unique key.
    static func key(_ text: String) -> Data { key(Digest.hash128(text)) }

    /// A 128-bit digest as 16 bytes, high word first (as ``EventInsert`` binds it), as the
    /// store keeps an event's deduplication key.
    public static func key(_ digest: (UInt64, UInt64)) -> Data {
        withUnsafeBytes(of: (digest.0.bigEndian, digest.1.bigEndian)) { Data($0) }
    }

    func extendSpan(of customer: Int64, _ first: Int64, _ last: Int64) {
        let index = Int(customer)
        if index >= spans.count { spans += repeatElement((.max, .min), count: max(index + 1 - spans.count, spans.count / 2)) }
        spans[index].first = min(spans[index].first, first)
        spans[index].last = max(spans[index].last, last)
    }

    /// Merges customer `old` into `survivor`. Events keep the customer they arrived with; readers
    /// find a customer's events through `customers.merged_into`. During a bulk load identifiers
    /// and feedback too keep the old customer until ``JourneyStore/completeBulkLoad(_:)``
    /// repoints them all in one pass.
    func merge(_ old: Int64, into survivor: Int64, db: Database) throws {
        let arguments: StatementArguments = [survivor, old]
        try db.cachedStatement(sql: "UPDATE customers SET merged_into = ?1 WHERE id = ?2 OR merged_into = ?2").execute(arguments: arguments)
        if !bulk {
            try db.cachedStatement(sql: "UPDATE identities SET customer_id = ? WHERE customer_id = ?").execute(arguments: arguments)
            try db.cachedStatement(sql: "UPDATE feedback SET customer_id = ? WHERE customer_id = ?").execute(arguments: arguments)
        }
        try db.cachedStatement(sql: """
            UPDATE customers SET
                first_seen = min(first_seen, (SELECT first_seen FROM customers WHERE id = ?2)),
                last_seen = max(last_seen, (SELECT last_seen FROM customers WHERE id = ?2)),
                traits = json_patch((SELECT traits FROM customers WHERE id = ?2), traits)
            WHERE id = ?1
            """).execute(arguments: arguments)
    }
}
