import CustomerData
import Foundation
import JourneyStore
import Logging

/// Stores records into one workspace's customer data in the team server's PostgreSQL database,
/// with the rules of the embedded importer: identity stitching, deduplication on `messageId` (or
/// content), feedback, traits, and quarantine of every record that cannot be used.
///
/// Writers of customer data take turns, whatever process they run in: each commit first locks
/// the store's row of `identity_generation`, as the embedded store's one writer does, so it sees
/// every customer committed before it. When the workspace's identity generation moved since
/// this writer last committed (another process stitched or erased customers), the identity
/// graph is loaded again inside the commit, so two processes receiving events of the same people
/// give each person one customer.
///
/// A commit is one transaction: after it returns, its events are stored; when it throws, none of
/// them are, and sending them again stores each once. One thread uses a writer at a time.
public final class PostgresCustomerWriter: CustomerDataWriter {
    /// The workspace written to.
    public let workspace: String
    private let rowID: Int64
    private let connections: PostgresConnections
    private let options: Importer.Options
    private var graph: IdentityGraph
    /// The workspace's identity generation `graph` reflects; -1 before the first commit and
    /// after a failed one, so the next commit loads the graph.
    private var generation: Int64 = -1
    private var files: [Importer.FileSummary] = []
    private var created = 0, merged = 0, refused = 0
    private let started = Date()
    /// Evaluates the alert rules on each commit's new events inside the commit (streams opened with alerts).
    private var alerts: AlertEvaluator?
    public private(set) var alertEvaluationFailures = 0
    /// How many times the identity graph was read whole (at the first commit, after an erasure);
    /// the changes of other processes' writers are otherwise replayed from the identity log.
    public private(set) var graphReads = 0
    /// Commits whose customers' first and last seen were extended in one statement, without
    /// reading the customers first (no merge and no traits in them).
    public private(set) var timesOnlyUpdates = 0

    /// Rows added by one statement at most, so that its placeholders stay far below PostgreSQL's 65,535.
    static let rowsPerStatement = 2_000

    /// A writer into `workspace` of the store at `url`; fails when the workspace does not exist
    /// or the server does not answer.
    public init(url: PostgresURL, workspace: String, options: Importer.Options = Importer.Options(),
                logger: Logger = Logger(label: "wayfinder.postgres")) throws {
        connections = PostgresConnections(url: url, logger: logger)
        rowID = try connections.workspaceRow(workspace)
        self.workspace = workspace
        self.options = options
        graph = IdentityGraph(maximumClusterSize: options.maximumClusterSize)
    }

    /// A writer on connections shared with a server's other readers and writers.
    init(connections: PostgresConnections, workspace: String, rowID: Int64, options: Importer.Options) {
        self.connections = connections
        self.rowID = rowID
        self.workspace = workspace
        self.options = options
        graph = IdentityGraph(maximumClusterSize: options.maximumClusterSize)
    }

    // MARK: CustomerDataWriter

    /// Opens a stream; with `alerts`, its commits evaluate the workspace's alert rules on their
    /// new events and enqueue the deliveries in the same transaction, as the embedded store's do.
    public func openStream(name: String, format: String, alerts: Bool) throws -> Int64 {
        if alerts, self.alerts == nil { self.alerts = AlertEvaluator() }
        return try openStream(name: name, format: format)
    }

    public func store(_ groups: [RecordGroup], stream: Int64, evaluatingAlerts: Bool) throws -> [Importer.Counts] {
        try store(groups, source: stream, evaluatingAlerts: evaluatingAlerts)
    }

    // MARK: Sources

    /// Opens a source whose records arrive over time (a server's collection) or from a file:
    /// one row of `sources` whose counts grow with every commit.
    public func openStream(name: String, format: String) throws -> Int64 {
        try connections.transaction(begin: "BEGIN") { db in
            try db.insert(sql: "INSERT INTO sources (workspace_id, path, format, started_at) VALUES (?, ?, ?, ?)",
                          arguments: [rowID, name, format, StoreTime.now()])
        }
    }

    /// Marks a source finished.
    public func closeStream(_ source: Int64) throws {
        try connections.transaction(begin: "BEGIN") { db in
            _ = try db.execute(sql: "UPDATE sources SET finished_at = ? WHERE id = ? AND workspace_id = ?", arguments: [StoreTime.now(), source, rowID])
        }
    }

    /// Imports one file in commits of `options.batchSize` records, reporting after each.
    public func importFile(_ path: String, format: RecordReader.Format? = nil, mapping: CSVMapping = .standard,
                           progress: ((Importer.Progress) -> Void)? = nil) throws -> Importer.FileSummary {
        let detected = try RecordReader(path: path, format: format, mapping: mapping).format
        let source = try openStream(name: path, format: detected.rawValue)
        let fileStart = Date()
        var counts = Importer.Counts()
        let batches = RecordBatches(path: path, format: detected, mapping: mapping, batchSize: options.batchSize, prepareWithJunk: options.junk,
                                    phoneCountry: options.phoneCountry)
        reading: while true {
            switch batches.next() {
            case .batch(let records, let bytesRead, let size, _):
                do {
                    counts = counts + (try store([RecordGroup(origin: path, records: records)], source: source))[0]
                    batches.recycle(records)
                } catch {
                    batches.cancel()
                    throw error
                }
                progress?(Importer.Progress(file: path, bytesRead: bytesRead, bytesTotal: size, counts: counts, elapsed: Date().timeIntervalSince(fileStart)))
            case .end:
                break reading
            case .failure(let failure):
                throw failure
            }
        }
        try closeStream(source)
        let summary = Importer.FileSummary(file: path, format: detected.rawValue, counts: counts)
        files.append(summary)
        return summary
    }

    /// What this writer imported from files, and the customers it created, merged and refused
    /// to merge (in files and streams alike).
    public func summary() -> Importer.Summary {
        Importer.Summary(files: files, quarantineFile: "the quarantine_records table of \(connections.url)", customersCreated: created,
                         customersMerged: merged, mergesRefused: refused, seconds: Date().timeIntervalSince(started))
    }

    // MARK: Commits

    /// Stores groups of records in one transaction, counted in `source`, and returns the counts
    /// of each group in order. When it throws, nothing of the groups is stored.
    public func store(_ groups: [RecordGroup], source: Int64, evaluatingAlerts: Bool = false) throws -> [Importer.Counts] {
        let groups = groups.map { RecordGroup(origin: $0.origin, records: $0.records.map(keepable)) }
        let evaluator = evaluatingAlerts ? alerts : nil
        do {
            let commit = try connections.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", retrying: { self.generation = -1 }) { db in
                try self.commit(groups, source: source, alerts: evaluator, db: db)
            }
            generation = commit.generation
            created += commit.created
            merged += commit.merged
            refused += commit.refused
            if commit.alertsFailed { alertEvaluationFailures += 1 }
            if commit.graphRead { graphReads += 1 }
            return commit.counts
        } catch {
            generation = -1  // the graph may be ahead of the store now
            throw error
        }
    }

    private struct Commit {
        var counts: [Importer.Counts]
        var generation: Int64
        var created = 0, merged = 0, refused = 0
        var alertsFailed = false
        var graphRead = false
    }

    /// A usable record of the commit, staged before the writers' turn: its payload waits in the
    /// connection's `incoming_events` at row `ord` (its index among the candidates).
    private struct Candidate {
        var group: Int
        var record: InputRecord
        var event: Event
        var prepared: PreparedEvent
        var dedupe: Data
    }

    /// An event on its way in, with the candidate it is and the customer it arrived as.
    private struct Arriving {
        var candidate: Int
        var customer: Int64
    }

    /// What happened, in order: an event arrived (its index), or a customer was merged into another.
    private enum Step {
        case event(Int)
        case merge(Int64, into: Int64)
    }

    /// The writers' turn is the one thing two processes wait on, so a commit does before it all
    /// that needs no customer number: its settings, the events' payloads copied into the
    /// connection's own table, and the alert rules read. Under the turn, it resolves customers
    /// and sends few statements: the identity changes in one, the events in one (their customer
    /// numbers bound as one list), the customers' times and traits, the source's counts.
    private func commit(_ groups: [RecordGroup], source: Int64, alerts: AlertEvaluator?, db: PostgresTransaction) throws -> Commit {
        // Every statement of a commit reaches rows by key: joins by hash or merge would read
        // whole tables (the planner, counting the rows given, would otherwise choose them).
        try db.execute(sql: "SELECT set_config('lock_timeout', ?, true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)",
                       arguments: ["\(Self.turnTimeout)s"])
        var candidates: [Candidate] = []
        for (group, records) in groups.map(\.records).enumerated() {
            for record in records {
                guard case .success(let event) = record.result else { continue }
                let prepared = record.prepared ?? PreparedEvent(event, junk: options.junk, phoneCountry: options.phoneCountry)
                candidates.append(Candidate(group: group, record: record, event: event, prepared: prepared, dedupe: Importer.key(prepared.dedupe)))
            }
        }
        try stage(candidates, source: source, db: db)
        if let alerts { try alerts.refresh(db) }

        // The turn of customer data writers: an update of the row, not only a lock, so that an
        // erasure or a workspace deletion waiting for it (serializable, its snapshot taken before
        // the wait) fails with a serialization error and runs again, seeing this commit. A turn
        // not given within the lock timeout fails the commit (503 to collection) rather than
        // holding requests. Then, in a new snapshot, what the turn before left.
        try db.execute(sql: "UPDATE identity_generation SET value = value WHERE id = 1")
        guard let state = try db.row(sql: """
            SELECT w.identity_generation, greatest(g.last_customer, (SELECT coalesce(max(id), 0) FROM customers))
            FROM workspaces w, identity_generation g WHERE w.id = ? AND g.id = 1
            """, arguments: [rowID]) else {
            throw WorkspaceStoreError(.notFound, field: "workspace", "the workspace '\(workspace)' was deleted; nothing was stored")
        }
        let current: Int64 = try state[0]
        var graphRead = false
        if current != generation {
            let replayed = generation >= 0 && current > generation ? try replayLog(db, to: current) : false
            if !replayed {
                graph = try loadGraph(db)
                graphRead = true
            }
        }
        graph.reserve(try state[1])

        var outcome = Commit(counts: groups.map { Importer.Counts(records: $0.records.count) }, generation: current)
        outcome.graphRead = graphRead
        var failures = groups.map { group in group.records.filter { if case .failure = $0.result { true } else { false } } }
        for index in groups.indices { outcome.counts[index].quarantined = failures[index].count }
        var arriving: [Arriving] = []
        var steps: [Step] = []
        var changes = IdentityChanges()
        var linkedOnce = Set<Identifier>()
        for (index, candidate) in candidates.enumerated() {
            let event = candidate.event
            let identifiers = Importer.identifiers(of: event, candidate.prepared, graph: graph, junk: options.junk)
            guard !identifiers.isEmpty else {
                failures[candidate.group].append(Importer.allJunk(candidate.record))
                outcome.counts[candidate.group].quarantined += 1
                continue
            }
            let resolution = graph.resolve(identifiers)
            let customer = resolution.customer
            if resolution.created {
                changes.created.append((customer, event.timestamp))
                outcome.created += 1
            }
            for identifier in resolution.linked where linkedOnce.insert(identifier).inserted { changes.linked.append((identifier, customer, event.timestamp)) }
            for old in resolution.merged {
                changes.merges.append((old, customer))
                steps.append(.merge(old, into: customer))
                outcome.merged += 1
            }
            if !resolution.refused.isEmpty {
                outcome.refused += resolution.refused.count
                try db.execute(sql: "INSERT INTO identity_refusals (workspace_id, customers, at) VALUES (?, ?, ?)",
                               arguments: [rowID, ([customer] + resolution.refused).map(CustomerID.text).joined(separator: ","), event.timestamp])
            }
            steps.append(.event(arriving.count))
            arriving.append(Arriving(candidate: index, customer: customer))
        }
        if let generation = try recordIdentityChanges(changes, db: db) { outcome.generation = generation }

        let stored = try insertEvents(arriving, of: candidates, db: db)
        var feedback: [SQLValue] = []
        for (index, id) in stored.enumerated() {
            let item = arriving[index], candidate = candidates[item.candidate]
            guard let id else {
                outcome.counts[candidate.group].duplicates += 1
                continue
            }
            outcome.counts[candidate.group].imported += 1
            if let entry = candidate.prepared.feedback {
                feedback += [.integer(id), .integer(rowID), .integer(graph.root(of: item.customer)), .integer(candidate.event.timestamp),
                             .text(entry.metric.rawValue), entry.score.map { .real($0) } ?? .null,
                             entry.text.map { .text($0) } ?? .null, entry.touchpoint.map { .text($0) } ?? .null]
            }
        }
        try copy(db, "feedback", ["event_id", "workspace_id", "customer_id", "timestamp", "metric", "score", "text", "touchpoint"], feedback)
        try updateCustomers(steps: steps, arriving: arriving, candidates: candidates, stored: stored, db: db)
        let committed: [CommittedEvent] = alerts == nil ? [] : zip(arriving, stored).compactMap { item, id in
            let candidate = candidates[item.candidate]
            return id.map { CommittedEvent(id: $0, customer: item.customer, event: candidate.event, feedback: candidate.prepared.feedback) }
        }
        // As on the embedded store, rules are looked at only when the commit stored events.
        if let alerts, alerts.hasRules, !committed.isEmpty {
            // A rule that cannot be evaluated must not cost the events: its work is rolled back
            // to a savepoint and counted, and the events are committed.
            try db.execute(sql: "SAVEPOINT alerts")
            do {
                try alerts.evaluate(committed, workspace: rowID, db: db, rulesRead: true, root: graph.root(of:))
                try db.execute(sql: "RELEASE SAVEPOINT alerts")
            } catch {
                try db.execute(sql: "ROLLBACK TO SAVEPOINT alerts")
                outcome.alertsFailed = true
            }
        }
        for (index, group) in groups.enumerated() { try quarantine(failures[index], origin: group.origin, db: db) }

        let total = outcome.counts.reduce(Importer.Counts(), +)
        try db.execute(sql: """
            UPDATE sources SET records = records + ?, imported = imported + ?, duplicates = duplicates + ?, quarantined = quarantined + ?
            WHERE id = ? AND workspace_id = ?
            """, arguments: [total.records, total.imported, total.duplicates, total.quarantined, source, rowID])
        // Entries every writer has read long since go; a writer further behind reads the graph whole.
        if outcome.generation != current, outcome.generation % 1_000 == 0 {
            try db.execute(sql: "DELETE FROM identity_log WHERE workspace_id = ? AND generation < ?", arguments: [rowID, outcome.generation - Self.logKept])
        }
        return outcome
    }

    /// Seconds a commit waits for the writers' turn.
    static let turnTimeout = 30

    /// Generations of identity changes kept in the log.
    static let logKept: Int64 = 10_000

    /// Brings the graph from `generation` to `current` with the log the writers of other
    /// processes left; false, with the graph untouched, when the log lacks a generation between
    /// (an erasure, or entries pruned), and the graph must be read whole.
    private func replayLog(_ db: PostgresTransaction, to current: Int64) throws -> Bool {
        guard current - generation <= Self.logKept else { return false }
        let rows = try db.rows(sql: """
            SELECT generation, kind, value, customer_id, merged_into FROM identity_log WHERE workspace_id = ? AND generation > ? AND generation <= ? ORDER BY id
            """, arguments: [rowID, generation, current])
        guard Set(try rows.map { try $0[0] as Int64 }).count == Int(current - generation) else { return false }
        for row in rows {
            let customer: Int64 = try row[3]
            if let survivor = try row[4] as Int64? {
                graph.replayMerge(customer, into: survivor)
            } else if let kindText = try row[1] as String?, let kind = Identifier.Kind(rawValue: kindText), let value = try row[2] as String? {
                graph.restore(Identifier(kind: kind, value: value), customer: customer)
            } else {
                graph.reserve(customer)
            }
        }
        return true
    }

    /// The workspace's identity graph as stored, identifier values with every byte.
    private func loadGraph(_ db: PostgresTransaction) throws -> IdentityGraph {
        var graph = IdentityGraph(maximumClusterSize: options.maximumClusterSize)
        for row in try db.rows(sql: "SELECT kind, value, customer_id FROM identities WHERE workspace_id = ?", arguments: [rowID]) {
            guard let kind = Identifier.Kind(rawValue: try row[0]) else { continue }
            graph.restore(Identifier(kind: kind, value: try row[1]), customer: try row[2])
        }
        for row in try db.rows(sql: "SELECT id, merged_into FROM customers WHERE workspace_id = ?", arguments: [rowID]) {
            if let into: Int64 = try row[1] { graph.restoreMerge(try row[0], into: into) } else { graph.reserve(try row[0]) }
        }
        return graph
    }

    /// What a commit changed in the identity graph, in order.
    private struct IdentityChanges {
        var created: [(customer: Int64, at: Int64)] = []
        var merges: [(old: Int64, survivor: Int64)] = []
        /// Identifiers the graph did not know, each once: the graph is the store's, read under the writers' turn.
        var linked: [(Identifier, customer: Int64, at: Int64)] = []

        var isEmpty: Bool { created.isEmpty && merges.isEmpty && linked.isEmpty }
    }

    /// Stores the identity changes and moves the workspace's identity generation on; the new
    /// generation, or nil when nothing changed. The new customers, the identifiers, the log for
    /// the writers of other processes and both generations go in one statement, the rows given
    /// as JSON; then each merge (rare) in its own.
    private func recordIdentityChanges(_ changes: IdentityChanges, db: PostgresTransaction) throws -> Int64? {
        guard !changes.isEmpty else { return nil }
        func text(_ number: Int64) -> JSONValue { .string(String(number)) }
        let created = JSONValue.array(changes.created.map { .array([text($0.customer), text($0.at)]) })
        // Identifiers and feedback follow the survivor of every merge, so they are stored with
        // the customer they belong to once the commit's merges are done.
        let identities = JSONValue.array(changes.linked.map { identifier, customer, at in
            .array([.string(identifier.kind.rawValue), .string(identifier.value), text(graph.root(of: customer)), text(at)])
        })
        // What changed, for the writers of other processes: created, merged, then linked.
        var log = changes.created.map { JSONValue.array([.null, .null, text($0.customer), .null]) }
        log += changes.merges.map { .array([.null, .null, text($0.old), text($0.survivor)]) }
        log += changes.linked.map { identifier, customer, _ in .array([.string(identifier.kind.rawValue), .string(identifier.value), text(graph.root(of: customer)), .null]) }
        let newest = changes.created.map(\.customer).max() ?? 0
        let generation = try db.value(Int64.self, sql: """
            WITH generation AS (UPDATE workspaces SET identity_generation = identity_generation + 1 WHERE id = ?1 RETURNING identity_generation),
            numbered AS (UPDATE identity_generation SET last_customer = greatest(last_customer, ?2) WHERE id = 1),
            customers_added AS (
                INSERT INTO customers (id, workspace_id, first_seen, last_seen)
                SELECT (r->>0)::bigint, ?1, (r->>1)::bigint, (r->>1)::bigint FROM json_array_elements(?3::json) AS r),
            identities_added AS (
                INSERT INTO identities (workspace_id, kind, value, customer_id, first_seen)
                SELECT ?1, r->>0, r->>1, (r->>2)::bigint, (r->>3)::bigint FROM json_array_elements(?4::json) AS r),
            logged AS (
                INSERT INTO identity_log (workspace_id, generation, kind, value, customer_id, merged_into)
                SELECT ?1, (SELECT identity_generation FROM generation), r->>0, r->>1, (r->>2)::bigint, (r->>3)::bigint
                FROM json_array_elements(?5::json) WITH ORDINALITY AS e(r, n) ORDER BY n)
            SELECT identity_generation FROM generation
            """, arguments: [rowID, newest, created.json, identities.json, JSONValue.array(log).json]) ?? -1
        // Events keep the customer they arrived as; identifiers and feedback follow the survivor.
        for (old, survivor) in changes.merges {
            let arguments: SQLArguments = [survivor, old]
            try db.execute(sql: "UPDATE customers SET merged_into = ?1 WHERE id = ?2 OR merged_into = ?2", arguments: arguments)
            try db.execute(sql: "UPDATE identities SET customer_id = ?1 WHERE customer_id = ?2", arguments: arguments)
            try db.execute(sql: "UPDATE feedback SET customer_id = ?1 WHERE customer_id = ?2", arguments: arguments)
        }
        return generation
    }

    /// Copies the candidates' payloads into the connection's own table, before the turn: all
    /// but the customer, which only the turn can tell.
    private func stage(_ candidates: [Candidate], source: Int64, db: PostgresTransaction) throws {
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS incoming_events (ord BIGINT, timestamp BIGINT, type TEXT, name TEXT,
                channel TEXT, message_id TEXT, message TEXT, dedupe BYTEA, source_id BIGINT, source_line BIGINT) ON COMMIT DELETE ROWS
            """)
        var values: [SQLValue] = []
        values.reserveCapacity(candidates.count * 10)
        for (index, item) in candidates.enumerated() {
            values += [.integer(Int64(index)), .integer(item.event.timestamp), .text(item.event.type.rawValue),
                       item.event.name.map { .text($0) } ?? .null, item.prepared.channel.map { .text($0) } ?? .null,
                       item.event.messageId.map { .text($0) } ?? .null, .text(item.prepared.payload), .blob([UInt8](item.dedupe)),
                       .integer(source), .integer(Int64(item.record.line))]
        }
        try copy(db, "incoming_events", ["ord", "timestamp", "type", "name", "channel", "message_id", "message", "dedupe", "source_id", "source_line"], values)
    }

    /// Adds the arriving events, each once per deduplication key in the workspace, from the
    /// staged payloads in arrival order; the sequence number of each event stored, nil for each
    /// already there (or earlier in the same commit).
    private func insertEvents(_ arriving: [Arriving], of candidates: [Candidate], db: PostgresTransaction) throws -> [Int64?] {
        var stored = [Int64?](repeating: nil, count: arriving.count)
        guard !arriving.isEmpty else { return stored }
        var first: [Data: Int] = [:]
        // The customer of each candidate by its `ord`, empty (null) for one set aside.
        var customers = [String](repeating: "", count: candidates.count)
        for (index, item) in arriving.enumerated() {
            if first[candidates[item.candidate].dedupe] == nil { first[candidates[item.candidate].dedupe] = index }
            customers[item.candidate] = String(item.customer)
        }
        let rows = try db.rows(sql: """
            INSERT INTO events (workspace_id, customer_id, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line)
            SELECT ?, customer, timestamp, type, name, channel, message_id, message, dedupe, source_id, source_line
            FROM (SELECT i.*, (string_to_array(?, ',', '')::bigint[])[i.ord + 1] AS customer FROM incoming_events i) AS i
            WHERE customer IS NOT NULL ORDER BY ord
            ON CONFLICT (workspace_id, dedupe) DO NOTHING RETURNING id, dedupe
            """, arguments: [rowID, customers.joined(separator: ",")])
        for row in rows {
            let key: Data = try row[1]
            if let index = first[key] { stored[index] = try row[0] }
        }
        return stored
    }

    /// Sets first and last seen and the traits of every customer the commit touched, as the
    /// embedded importer does step by step: a merge keeps the earliest first and latest last
    /// seen of both, and the survivor's traits over the merged customer's; then each customer's
    /// stored events extend its times and apply their traits in order.
    private func updateCustomers(steps: [Step], arriving: [Arriving], candidates: [Candidate], stored: [Int64?], db: PostgresTransaction) throws {
        var touched = Set<Int64>()
        for step in steps {
            switch step {
            case .event(let index) where stored[index] != nil: touched.insert(arriving[index].customer)
            case .event: break
            case .merge(let old, let survivor): touched.formUnion([old, survivor])
            }
        }
        guard !touched.isEmpty else { return }
        if try updateTimesOnly(steps: steps, arriving: arriving, candidates: candidates, stored: stored, db: db) { return }
        struct Seen: Equatable {
            var first: Int64?
            var last: Int64?
            var traits: String
        }
        var before: [Int64: Seen] = [:]
        let ids = touched.sorted()
        for start in stride(from: 0, to: ids.count, by: Self.rowsPerStatement) {
            let part = ids[start..<min(ids.count, start + Self.rowsPerStatement)]
            let rows = try db.rows(sql: "SELECT id, first_seen, last_seen, traits FROM customers WHERE id IN (\(Array(repeating: "?", count: part.count).joined(separator: ",")))",
                                   arguments: SQLArguments(part.map { .integer($0) }))
            for row in rows { before[try row[0]] = Seen(first: try row[1], last: try row[2], traits: try row[3]) }
        }
        var now = before
        var traits: [Int64: JSONValue] = [:]
        func traitsOf(_ id: Int64) -> JSONValue {
            if let value = traits[id] { return value }
            return (try? JSONParser.parse(now[id]?.traits ?? "{}")) ?? .object([])
        }
        var updates: [Int64: Importer.CustomerUpdate] = [:]
        for step in steps {
            switch step {
            case .event(let index):
                guard stored[index] != nil else { continue }
                let item = arriving[index], candidate = candidates[item.candidate]
                updates[item.customer, default: Importer.CustomerUpdate(first: candidate.event.timestamp, last: candidate.event.timestamp)]
                    .add(candidate.event.timestamp, traits: candidate.prepared.traits)
            case .merge(let old, let survivor):
                let gone = now[old], kept = now[survivor]
                now[survivor]?.first = Self.earliest(kept?.first, gone?.first)
                now[survivor]?.last = Self.latest(kept?.last, gone?.last)
                traits[survivor] = traitsOf(old).merged(with: traitsOf(survivor))
                if let pending = updates.removeValue(forKey: old) {
                    updates[survivor, default: pending].first = min(updates[survivor]?.first ?? pending.first, pending.first)
                    updates[survivor]!.last = max(updates[survivor]!.last, pending.last)
                    for (key, value) in pending.traits { Importer.CustomerUpdate.patch(&updates[survivor]!.traits, key, value) }
                }
            }
        }
        for (customer, update) in updates {
            let root = graph.root(of: customer)
            let seen = now[root]
            now[root]?.first = Self.earliest(seen?.first, update.first)
            now[root]?.last = Self.latest(seen?.last, update.last)
            if !update.traits.isEmpty { traits[root] = traitsOf(root).merged(with: .object(update.traits)) }
        }
        for (id, value) in traits { now[id]?.traits = value.json }
        var changed: [SQLValue] = []
        for id in ids {
            guard let seen = now[id], seen != before[id] else { continue }
            changed += [.integer(id), seen.first.map { .integer($0) } ?? .null, seen.last.map { .integer($0) } ?? .null, .text(seen.traits)]
        }
        // Joined to the customers by their key (the commit turned joins by hash and merge off).
        for start in stride(from: 0, to: changed.count, by: 4 * Self.rowsPerStatement) {
            let part = changed[start..<min(changed.count, start + 4 * Self.rowsPerStatement)]
            let rows = Array(repeating: "(?::bigint, ?::bigint, ?::bigint, ?::text)", count: part.count / 4).joined(separator: ",")
            try db.execute(sql: """
                UPDATE customers AS c SET first_seen = v.first_seen, last_seen = v.last_seen, traits = v.traits
                FROM (VALUES \(rows)) AS v(id, first_seen, last_seen, traits) WHERE c.id = v.id
                """, arguments: SQLArguments(Array(part)))
        }
    }

    /// The common commit of collection, with no merge and no traits, in one statement: each
    /// customer's first and last seen extended by its stored events, no row read first. False,
    /// with nothing done, for a commit that needs the customers read.
    private func updateTimesOnly(steps: [Step], arriving: [Arriving], candidates: [Candidate], stored: [Int64?], db: PostgresTransaction) throws -> Bool {
        var times: [Int64: (first: Int64, last: Int64)] = [:]
        for step in steps {
            guard case .event(let index) = step else { return false }
            guard stored[index] != nil else { continue }
            let candidate = candidates[arriving[index].candidate]
            guard candidate.prepared.traits.isEmpty else { return false }
            let at = candidate.event.timestamp
            let root = graph.root(of: arriving[index].customer)
            let seen = times[root] ?? (at, at)
            times[root] = (min(seen.first, at), max(seen.last, at))
        }
        let rows = JSONValue.array(times.sorted { $0.key < $1.key }.map { id, seen in
            .array([.string(String(id)), .string(String(seen.first)), .string(String(seen.last))])
        })
        // Rows the events do not move are left as they are.
        try db.execute(sql: """
            UPDATE customers AS c SET first_seen = least(c.first_seen, v.first_seen), last_seen = greatest(c.last_seen, v.last_seen)
            FROM (SELECT (r->>0)::bigint AS id, (r->>1)::bigint AS first_seen, (r->>2)::bigint AS last_seen FROM json_array_elements(?::json) AS r) AS v
            WHERE c.id = v.id AND (c.first_seen IS NULL OR c.last_seen IS NULL OR v.first_seen < c.first_seen OR v.last_seen > c.last_seen)
            """, arguments: [rows.json])
        timesOnlyUpdates += 1
        return true
    }

    private static func earliest(_ a: Int64?, _ b: Int64?) -> Int64? { [a, b].compactMap { $0 }.min() }
    private static func latest(_ a: Int64?, _ b: Int64?) -> Int64? { [a, b].compactMap { $0 }.max() }

    /// Sets aside the records of `origin` that could not be used; one quarantined by an earlier
    /// run of the same file is counted again but kept once.
    private func quarantine(_ records: [InputRecord], origin: String, db: PostgresTransaction) throws {
        guard !records.isEmpty else { return }
        var byKey: [Data: InputRecord] = [:]
        for record in records { byKey[Importer.quarantineKey(record, origin: origin)] = record }
        let fresh = try insert(db, "quarantined (workspace_id, key)", columns: 2,
                               byKey.keys.flatMap { key -> [SQLValue] in [.integer(rowID), .blob([UInt8](key))] },
                               then: "ON CONFLICT (workspace_id, key) DO NOTHING RETURNING key")
            .compactMap { row -> InputRecord? in byKey[try row[0]] }
            .sorted { $0.line < $1.line }
        let now = StoreTime.now()
        try copy(db, "quarantine_records", ["workspace_id", "file", "line", "location", "field", "reason", "text", "quarantined_at"],
                   fresh.flatMap { record -> [SQLValue] in
                       guard case .failure(let problem) = record.result else { return [] }
                       return [.integer(rowID), .text(Self.withoutNUL(origin)), .integer(Int64(record.line)), .text(Self.withoutNUL(record.location)),
                               .text(Self.withoutNUL(problem.field)), .text(Self.withoutNUL(problem.message)), .blob(Array(record.text.utf8)), .integer(now)]
                   })
    }

    /// Adds rows given as one value per column each, in one `COPY`.
    private func copy(_ db: PostgresTransaction, _ table: String, _ columns: [String], _ values: [SQLValue]) throws {
        guard !values.isEmpty else { return }
        let rows = stride(from: 0, to: values.count, by: columns.count).map { SQLRow(columns: [], values: Array(values[$0..<$0 + columns.count])) }
        try db.insertRows(table: table, columns: columns, rows: rows[...])
    }

    /// Adds rows given as `columns` values each, a bounded number per statement, followed by
    /// `then` (a conflict rule, a `RETURNING`); the rows each statement returned.
    @discardableResult
    private func insert(_ db: PostgresTransaction, _ target: String, columns: Int, _ values: [SQLValue], then suffix: String = "") throws -> [SQLRow] {
        var returned: [SQLRow] = []
        let step = columns * Self.rowsPerStatement
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        for start in stride(from: 0, to: values.count, by: step) {
            let part = values[start..<min(values.count, start + step)]
            let rows = Array(repeating: row, count: part.count / columns).joined(separator: ",")
            returned += try db.rows(sql: "INSERT INTO \(target) VALUES \(rows) \(suffix)", arguments: SQLArguments(Array(part)))
        }
        return returned
    }

    // MARK: Text PostgreSQL cannot keep

    /// The record, or, when a text it would store holds a NUL character (which PostgreSQL's
    /// text cannot keep), the record set aside with the field that holds it.
    func keepable(_ record: InputRecord) -> InputRecord {
        guard case .success(let event) = record.result else { return record }
        let prepared = record.prepared ?? PreparedEvent(event, junk: options.junk, phoneCountry: options.phoneCountry)
        let texts: [(String, String?)] = [("event", event.name), ("messageId", event.messageId), ("userId", event.userId),
                                          ("anonymousId", event.anonymousId), ("previousId", event.previousId), ("groupId", event.groupId),
                                          ("context.channel", event.channel)]
        var field = texts.first { $0.1?.utf8.contains(0) == true }?.0
        if field == nil {
            if prepared.identifiers.contains(where: { $0.value.utf8.contains(0) }) {
                field = "identifier"
            } else if prepared.feedback?.text?.utf8.contains(0) == true || prepared.feedback?.touchpoint?.utf8.contains(0) == true {
                field = "feedback"
            }
        }
        var kept = record
        guard let field else {
            kept.prepared = prepared
            return kept
        }
        kept.result = .failure(RecordProblem(field: field, message: "holds a NUL character (\\u0000), which the PostgreSQL store cannot keep; remove it and send the record again"))
        kept.prepared = nil
        return kept
    }

    /// The text with each NUL character (which PostgreSQL's text cannot keep) shown as U+FFFD.
    static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
    }
}
