import Foundation
import JourneyStore

extension CustomerDataCopy {
    /// What bringing a workspace's copy on the cluster up to date did.
    public struct Update: Sendable {
        /// Events and survey answers written: those that arrived in the store after the copy's
        /// last, and those of the customers written again.
        public var written: Int
        /// Customers whose rows were written again: merged since, erased from the store, or
        /// found partly written by an update that failed.
        public var rewritten: Int
        /// Customer rows written again: new customers, customers merged since, customers whose
        /// traits the new events may have changed.
        public var customerRows: Int
        /// True when the workspace was copied whole: the cluster held nothing of it, the change
        /// was too large to make in place, or the copy brought up to date did not match its source.
        public var copiedWhole: Bool
        /// Why it was copied whole; nil when it was not.
        public var reason: String?
        /// What the copy was checked by: for a whole copy, the digest it shares with the store;
        /// for an update, the rows of each kind, counted per customer or in all.
        public var checked: String
        /// True when every customer's rows were counted on both sides (the cluster was not as
        /// the last passing check left it); false when only what changed since was read.
        public var comparedEveryCustomer = true
    }

    /// Customers an update changes in place at most; more, and copying the workspace whole is
    /// cheaper (ClickHouse removes rows by rewriting the parts that hold them).
    public static let customersChangedInPlace = 20_000

    /// Brings the copy of `workspace` on the cluster up to what `source` (the store, where
    /// customers are stitched) holds, reading the store but writing only what changed:
    ///
    /// 1. The cluster's watermarks (its last event and survey answer), its row counts, and the
    ///    mark of its last passing check (``CopyMark``).
    /// 2. The customers whose rows differ from what the store says they should be up to the
    ///    watermarks. When the cluster is as its last check left it: those whose customer rows
    ///    differ (merged into another since, erased from the store) and those they were merged
    ///    into. Otherwise: the store and the cluster counted per customer and stitched customer
    ///    (which also finds customers partly written by an update that failed). Their rows are
    ///    removed on every shard and written again.
    /// 3. Customer rows of new customers, of customers merged since, and of the customers the new
    ///    events arrived for (traits change only with a customer's events) are written again.
    /// 4. The events and survey answers after the watermarks are added, with every row of the
    ///    customers of step 2 (read through the store's customer index).
    ///
    /// The store is read up to its last event when the update begins; what arrives meanwhile
    /// waits for the next update. Every step can run again: an update that fails leaves a copy
    /// the next one repairs. The result is checked against the store (after a trusted mark, how
    /// many events and survey answers there are in all; otherwise per customer under which
    /// stitched customer) and each customer row, once, with its merge, and a new mark records a
    /// check that passed. The contents of rows are not compared (a whole copy compares them by
    /// digest). A copy that does not match, a cluster that holds nothing of the workspace, or a
    /// change of more than ``customersChangedInPlace`` customers is copied whole instead.
    public func update(_ source: any CustomerDataReader, workspace: String, progress: ((Int, Int) -> Void)? = nil) throws -> Update {
        try target.prepare()
        let present = try target.counts(workspace: workspace)
        func whole(_ reason: String) throws -> Update {
            let summary = try copy(source, workspace: workspace, replace: true, progress: progress)
            return Update(written: summary.copied.events + summary.copied.feedback, rewritten: 0, customerRows: summary.copied.customers,
                          copiedWhole: true, reason: reason, checked: summary.copied.description)
        }
        guard present.events + present.customers + present.feedback > 0 else { return try whole("the cluster held nothing of the workspace") }
        // Removals an update or erasure that stopped midway left running finish before anything is read.
        try target.waitForMutations()

        let cluster = ClusterState(target: target, workspace: workspace)
        // What the update reads of the store: its events up to the last there is now, and the
        // survey answers of those; events that arrive meanwhile wait for the next update. Read
        // before the customers, so that every customer of those events is among them.
        let ids = try source.eventIDRange()
        let last = ids?.upperBound ?? 0
        let links = try source.customerLinks()
        func root(_ customer: Int64) -> Int64? {
            guard customer >= 0, customer < Int64(links.rootPosition.count) else { return nil }
            let position = links.rootPosition[Int(customer)]
            return position >= 0 ? links.roots[Int(position)] : nil
        }

        // 1 and 2: which customers' rows differ from what the store says they should be up to
        // the watermarks. After a passing check, and no change since, those merged or erased
        // since (their customer rows say so); otherwise, every customer's rows counted on both sides.
        let identity = try source.storeIdentity() ?? ""
        var before = try target.currentMark(workspace: workspace)
        before.store = identity
        let eventMark = before.events, feedbackMark = before.feedback
        let lastCheck = try target.lastCheckedMark(workspace: workspace)
        // A copy of another store (one made again, or restored elsewhere) is copied whole: its
        // customers may have the same numbers and as many events as the store's, yet other ones.
        if let lastCheck, !lastCheck.store.isEmpty, !identity.isEmpty, lastCheck.store != identity {
            return try whole("the copy was made from another store (the workspace was made again or restored)")
        }
        let lastEvent = try lastEventMatches(source, cluster: cluster, at: eventMark)
        if lastEvent == false {
            return try whole("the store's event \(eventMark) is not the one the copy holds under that number")
        }
        let trusted = lastCheck == before && lastEvent == true
        let customerRows = try cluster.customers()
        var stale = Set<Int64>()
        var arrived = Set<Int64>()
        var storeEvents: [Int64: Int] = [:], storeFeedback: [Int64: Int] = [:]
        if trusted {
            for (id, into) in customerRows {
                guard let root = root(id), into == (root == id ? 0 : root) else {
                    stale.insert(id)
                    // The store moves a merged customer's survey answers to the customer it is merged into.
                    if let root = root(id) { stale.insert(root) }
                    continue
                }
            }
            if let ids, ids.upperBound > eventMark {
                try scanEvents(source, from: max(ids.lowerBound, eventMark &+ 1), to: ids.upperBound) { row in arrived.insert(row.customer) }
            }
            if feedbackMark < last { try source.scanFeedback(ids: (feedbackMark + 1)...last) { row in arrived.insert(row.customer) } }
        } else {
            if let ids {
                try scanEvents(source, from: ids.lowerBound, to: ids.upperBound) { row in
                    if row.sequence <= eventMark { storeEvents[row.customer, default: 0] += 1 } else { arrived.insert(row.customer) }
                }
            }
            try source.scanFeedback(ids: .min...last) { row in
                if row.sequence <= feedbackMark { storeFeedback[row.customer, default: 0] += 1 } else { arrived.insert(row.customer) }
            }
            for (table, want) in [("events", storeEvents), ("feedback", storeFeedback)] {
                let have = try cluster.rowsPerCustomer(table)
                for (customer, roots) in have {
                    guard let count = want[customer], let root = root(customer), roots == [root: count] else {
                        stale.insert(customer)
                        continue
                    }
                }
                for customer in want.keys where have[customer] == nil { stale.insert(customer) }
            }
        }

        // 3: the customer rows to write again.
        var rows = Set<Int64>()
        for (id, position) in links.rootPosition.enumerated() where position >= 0 {
            let root = links.roots[Int(position)]
            if customerRows[Int64(id)] != (root == Int64(id) ? 0 : root) { rows.insert(Int64(id)) }
        }
        for id in customerRows.keys where root(id) == nil { rows.insert(id) }
        for customer in arrived.union(stale) {
            rows.insert(customer)
            if let root = root(customer) { rows.insert(root) }
        }
        if stale.count + rows.count > Self.customersChangedInPlace {
            return try whole("\(stale.count + rows.count) customers changed, more than \(Self.customersChangedInPlace)")
        }

        // Until the check below passes, no update trusts the last one.
        try target.recordMark(nil, workspace: workspace)
        try cluster.remove(rowsOf: stale, customerRows: rows)
        var batch = RowBinaryWriter()
        func flush(_ table: String, _ columns: [String]) throws { try self.flush(&batch, into: table, columns) }
        var traits: [Int64: [UInt8]] = [:]
        try source.scanTraits(of: rows.sorted()) { id, text in traits[id] = Array(text) }
        for id in rows.sorted() {
            guard let root = root(id) else { continue }  // erased from the store
            batch.customer(workspace: workspace, id: id, root: root, traits: traits[id])
        }
        try flush("customers", Self.customerColumns)

        // 4: the events and survey answers after the watermarks, and every row of the customers
        // whose rows were removed (found through the store's customer index, so a few merged
        // customers cost a few look-ups, not a pass over the store).
        var written = (events: 0, feedback: 0)
        var leaves: [(ArraySlice<UInt8>, UnsafeBufferPointer<UInt8>)] = []
        let rewritten = stale.sorted()
        func addEvent(_ row: borrowing RawEventRow) throws {
            guard let root = root(row.customer) else { return }  // erased from the store
            batch.event(row, workspace: workspace, root: root, leaves: &leaves)
            written.events += 1
            if row.sequence > eventMark { storeEvents[row.customer, default: 0] += 1 }
            if batch.bytes.count >= Self.batchBytes { try flush("events", Self.eventColumns) }
        }
        if let ids, ids.upperBound > eventMark {
            try scanEvents(source, from: max(ids.lowerBound, eventMark + 1), to: ids.upperBound) { row in
                try addEvent(row)
            }
        }
        // Split by sequence number, which never changes, so that no row is read twice even when
        // a merge moves a survey answer between customers while this runs.
        try source.scanEvents(customers: rewritten, through: min(eventMark, last)) { row in try addEvent(row) }
        try flush("events", Self.eventColumns)
        func addAnswer(_ row: borrowing RawFeedbackRow) {
            guard let root = root(row.customer) else { return }
            batch.answer(row, workspace: workspace, root: root)
            written.feedback += 1
            if row.sequence > feedbackMark { storeFeedback[row.customer, default: 0] += 1 }
        }
        if feedbackMark < last {
            try source.scanFeedback(ids: (feedbackMark + 1)...last) { row in
                addAnswer(row)
            }
        }
        try source.scanFeedback(customers: rewritten, through: min(feedbackMark, last)) { row in addAnswer(row) }
        try flush("feedback", Self.feedbackColumns)

        // The check. After a passing check: as many events and survey answers in all as the store
        // holds up to its last event. Otherwise: every customer's rows of each kind under the
        // customer it belongs to now, as many as the store holds. Either way, every customer
        // row's merge as the store has it.
        var merges: [Int64: Int64] = [:]
        for (id, position) in links.rootPosition.enumerated() where position >= 0 {
            let root = links.roots[Int(position)]
            merges[Int64(id)] = root == Int64(id) ? 0 : root
        }
        let after = try target.currentMark(workspace: workspace)
        let checked: String
        if trusted {
            let held = try source.rowCounts(through: last)
            guard after.eventRows == held.events, after.feedbackRows == held.feedback else {
                return try whole("the copy brought up to date holds \(after.eventRows) events and \(after.feedbackRows) survey answers, the store \(held.events) and \(held.feedback)")
            }
            checked = "\(held.events) events and \(held.feedback) survey answers in all, \(merges.count) customers with their merges"
        } else {
            var counts = (events: 0, feedback: 0)
            for (table, want) in [("events", storeEvents), ("feedback", storeFeedback)] {
                var expected: [Int64: [Int64: Int]] = [:]
                for (customer, count) in want {
                    guard let root = root(customer) else { continue }
                    expected[customer] = [root: count]
                    if table == "events" { counts.events += count } else { counts.feedback += count }
                }
                let have = try cluster.rowsPerCustomer(table)
                guard have == expected else {
                    let differing = Set(have.keys).union(expected.keys).filter { have[$0] != expected[$0] }.count
                    return try whole("the copy brought up to date differs from the store in the \(table) of \(differing) customers")
                }
            }
            checked = "\(counts.events) events, \(merges.count) customers and \(counts.feedback) survey answers, per customer"
        }
        guard try cluster.customers() == merges else {
            return try whole("the customers of the copy brought up to date differ from the store's")
        }
        var mark = after
        mark.store = identity
        try target.recordMark(mark, workspace: workspace)
        return Update(written: written.events + written.feedback, rewritten: stale.count, customerRows: rows.count, copiedWhole: false, reason: nil,
                      checked: checked, comparedEveryCustomer: !trusted)
    }

    /// Whether the store's event `sequence` is the one the cluster holds under that number (same
    /// customer and time); nil when the store has no such event (erased since) or the cluster
    /// holds none. A store restored from a backup older than the copy numbers other events alike.
    private func lastEventMatches(_ source: any CustomerDataReader, cluster: ClusterState, at sequence: Int64) throws -> Bool? {
        guard sequence > 0 else { return true }
        var stored: (Int64, Int64)?
        try source.scanEvents(ids: sequence...sequence) { row in stored = (row.customer, row.timestamp) }
        guard let stored, let held = try cluster.event(sequence) else { return nil }
        return held == stored
    }

    /// Scans the events of `source` with ids from `low` to `high`, a piece at a time.
    private func scanEvents(_ source: any CustomerDataReader, from low: Int64, to high: Int64,
                            _ body: (borrowing RawEventRow) throws -> Void) throws {
        var low = low
        while low <= high {
            let end = min(high, low &+ CustomerDataDigest.piece - 1)
            try source.scanEvents(ids: low...end, body)
            guard end < high else { break }
            low = end + 1
        }
    }
}

/// What the cluster holds of one workspace, as an update reads and changes it.
private struct ClusterState {
    let target: ClickHouseCustomerData
    let workspace: String

    var database: String { target.database }
    var literal: String { ClickHouseSQL.string(workspace) }
    var client: ClickHouseClient { target.client }

    /// The highest sequence number in `table`, or 0.
    func watermark(_ table: String) throws(ClickHouseError) -> Int64 {
        let text = try client.value("SELECT max(seq) FROM \(database).\(table) WHERE workspace = \(literal)")
        guard let value = Int64(text) else { throw .unexpected("\(client.url): cannot read the last row of \(table) of workspace '\(workspace)' (the answer was '\(text.prefix(80))')") }
        return value
    }

    /// The customer and time of the event numbered `sequence`, or nil when the cluster holds none.
    func event(_ sequence: Int64) throws(ClickHouseError) -> (Int64, Int64)? {
        let answer = try client.execute("SELECT customer, timestamp FROM \(database).events WHERE workspace = \(literal) AND seq = \(sequence) LIMIT 1 FORMAT RowBinary")
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> (Int64, Int64)? in
            var reader = RowBinaryReader(bytes)
            guard !reader.isAtEnd else { return nil }
            return (try reader.int64(), try reader.int64())
        }
    }

    /// Per customer, the stitched customers its rows in `table` were written under, with how many rows each.
    func rowsPerCustomer(_ table: String) throws(ClickHouseError) -> [Int64: [Int64: Int]] {
        let answer = try client.execute("SELECT customer, root, count() FROM \(database).\(table) WHERE workspace = \(literal) GROUP BY customer, root FORMAT RowBinary")
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> [Int64: [Int64: Int]] in
            var reader = RowBinaryReader(bytes)
            var rows: [Int64: [Int64: Int]] = [:]
            // count() is a UInt64, as wide as an Int64.
            while !reader.isAtEnd { rows[try reader.int64(), default: [:]][try reader.int64()] = Int(try reader.int64()) }
            return rows
        }
    }

    /// Every customer row: its number and the customer it was merged into (0 for none); a
    /// number with two rows (two updates at once) is -1, which no store's merge equals.
    func customers() throws(ClickHouseError) -> [Int64: Int64] {
        let answer = try client.execute("SELECT id, merged_into FROM \(database).customers WHERE workspace = \(literal) FORMAT RowBinary")
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> [Int64: Int64] in
            var reader = RowBinaryReader(bytes)
            var rows: [Int64: Int64] = [:]
            while !reader.isAtEnd {
                let id = try reader.int64(), into = try reader.int64()
                rows[id] = rows[id] == nil ? into : -1
            }
            return rows
        }
    }

    /// Removes, on every shard, the events and survey answers of `customers` and the customer
    /// rows `customerRows`, and waits until the shards have done it.
    func remove(rowsOf customers: Set<Int64>, customerRows: Set<Int64>) throws(ClickHouseError) {
        var statements: [String] = []
        for part in Self.parts(customers) {
            statements.append("ALTER TABLE \(database).events_local DELETE WHERE workspace = \(literal) AND customer IN (\(part))")
            statements.append("ALTER TABLE \(database).feedback_local DELETE WHERE workspace = \(literal) AND customer IN (\(part))")
        }
        for part in Self.parts(customerRows) {
            statements.append("ALTER TABLE \(database).customers_local DELETE WHERE workspace = \(literal) AND id IN (\(part))")
        }
        guard !statements.isEmpty else { return }
        for host in client.url.hosts {
            for statement in statements { try client.execute(statement, on: host) }
        }
        try target.waitForMutations()
    }

    /// Customer numbers as lists short enough for one statement (ClickHouse reads 256 KiB of a statement at most).
    static func parts(_ numbers: Set<Int64>) -> [String] {
        let sorted = numbers.sorted()
        return stride(from: 0, to: sorted.count, by: 10_000).map { start in
            sorted[start..<min(sorted.count, start + 10_000)].map(String.init).joined(separator: ",")
        }
    }
}
