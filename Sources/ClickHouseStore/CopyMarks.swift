/// What the cluster held of a workspace when a copy or an update of it was last checked against
/// its store: the last event and survey answer, and how many rows of each there were.
///
/// An update that finds the cluster as the last check left it (the same watermarks and row
/// counts, and no change begun since) knows every customer's rows matched the store then, so it
/// reads only what arrived since and the customers merged or erased since, instead of counting
/// every customer's rows on both sides. Anything else (a change that stopped midway, an erasure,
/// rows lost on a shard) makes the next update compare every customer.
///
/// Marks are rows of `copy_checks`, a table on every server (not sharded), newest last; a change
/// begins by adding a mark that says so, and a check that passes adds the new state.
struct CopyMark: Equatable, Sendable {
    var events: Int64
    var feedback: Int64
    var eventRows: Int
    var feedbackRows: Int
    /// The store's ``CustomerDataReader/storeIdentity()`` (empty when it cannot say).
    var store = ""
}

extension ClickHouseCustomerData {
    static let marksTable = "copy_checks"

    static let marksColumns = "workspace String, at Int64, events Int64, feedback Int64, event_rows Int64, feedback_rows Int64, store String"

    /// The cluster's state of `workspace` now: its watermarks and row counts.
    func currentMark(workspace id: String) throws(ClickHouseError) -> CopyMark {
        let literal = ClickHouseSQL.string(id)
        let events = "\(database).events WHERE workspace = \(literal)", feedback = "\(database).feedback WHERE workspace = \(literal)"
        let numbers = try client.integers(["SELECT max(seq) FROM \(events)", "SELECT max(seq) FROM \(feedback)", "SELECT count() FROM \(events)",
                                           "SELECT count() FROM \(feedback)"], what: "the state of workspace '\(id)'")
        return CopyMark(events: Int64(numbers[0]), feedback: Int64(numbers[1]), eventRows: numbers[2], feedbackRows: numbers[3])
    }

    /// The state the last passing check of `workspace` left, or nil when there was none or a
    /// change began after it.
    func lastCheckedMark(workspace id: String) throws(ClickHouseError) -> CopyMark? {
        let answer = try client.execute("""
            SELECT events, feedback, event_rows, feedback_rows, store FROM \(database).\(Self.marksTable)
            WHERE workspace = \(ClickHouseSQL.string(id)) ORDER BY at DESC LIMIT 1 FORMAT RowBinary
            """)
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> CopyMark? in
            var reader = RowBinaryReader(bytes)
            guard !reader.isAtEnd else { return nil }
            let events = try reader.int64(), feedback = try reader.int64(), eventRows = try reader.int64(), feedbackRows = try reader.int64()
            let store = String(decoding: try reader.string(), as: UTF8.self)
            guard events >= 0, let eventRows = Int(exactly: eventRows), let feedbackRows = Int(exactly: feedbackRows) else { return nil }
            return CopyMark(events: events, feedback: feedback, eventRows: eventRows, feedbackRows: feedbackRows, store: store)
        }
    }

    /// Records, on every server, that a check of `workspace` passed with the cluster in state
    /// `mark`, or (nil) that a change of it begins, so no update trusts the last check until one
    /// passes again.
    func recordMark(_ mark: CopyMark?, workspace id: String) throws(ClickHouseError) {
        let literal = ClickHouseSQL.string(id)
        // Updates and erasures of a workspace take turns (their lock), so the next number is free.
        let last = try client.value("SELECT max(at) FROM \(database).\(Self.marksTable) WHERE workspace = \(literal)")
        guard let at = Int64(last) else { throw .unexpected("\(client.url): cannot read the marks of workspace '\(id)' (the answer was '\(last.prefix(80))')") }
        let values = mark.map { "\($0.events), \($0.feedback), \($0.eventRows), \($0.feedbackRows), \(ClickHouseSQL.string($0.store))" } ?? "-1, -1, -1, -1, ''"
        try client.executeOnEveryHost("INSERT INTO \(database).\(Self.marksTable) VALUES (\(literal), \(at + 1), \(values))")
    }
}
