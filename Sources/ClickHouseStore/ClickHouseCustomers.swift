import CustomerData
import JourneyStore

/// What a workspace's copy on the cluster holds of one stitched customer: its events and survey
/// answers (its own and those of the customers merged into it), and the times of the first and
/// last event, to set beside what the store holds (`wayfinder customers --events`).
public struct ClusterCustomer: Sendable, Equatable, Encodable {
    public var events: Int
    public var feedback: Int
    /// ISO 8601, as the store writes them; nil without events.
    public var firstSeen: String?
    public var lastSeen: String?

    enum CodingKeys: String, CodingKey {
        case events, feedback
        case firstSeen = "first_seen", lastSeen = "last_seen"
    }
}

extension ClickHouseWorkspaceData {
    /// What the copy holds of each of the stitched customers `numbers`; a customer it holds
    /// nothing of has no events and no answers.
    public func customers(_ numbers: [Int64]) throws(ClickHouseError) -> [Int64: ClusterCustomer] {
        var found: [Int64: ClusterCustomer] = [:]
        for number in numbers { found[number] = ClusterCustomer(events: 0, feedback: 0) }
        // Parts short enough for one statement, however many customers a page lists.
        let sorted = Set(numbers).sorted()
        for start in stride(from: 0, to: sorted.count, by: 10_000) {
            let list = sorted[start ..< min(sorted.count, start + 10_000)].map(String.init).joined(separator: ",")
            let events = try client.execute("""
                SELECT root, count(), min(timestamp), max(timestamp) FROM \(database).events
                WHERE workspace = \(literal) AND root IN (\(list)) GROUP BY root FORMAT RowBinary
                """, settings: ClickHouseAnalytics.settings)
            try events.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
                var reader = RowBinaryReader(bytes)
                while !reader.isAtEnd {
                    // count() is a UInt64, as wide as an Int64.
                    let root = try reader.int64(), count = try reader.int64(), first = try reader.int64(), last = try reader.int64()
                    found[root]?.events = Int(count)
                    // A time no event can have (a table changed by hand) is shown as none.
                    found[root]?.firstSeen = Timestamp.range.contains(first) ? Timestamp.iso8601(first) : nil
                    found[root]?.lastSeen = Timestamp.range.contains(last) ? Timestamp.iso8601(last) : nil
                }
            }
            let answers = try client.execute("""
                SELECT root, count() FROM \(database).feedback WHERE workspace = \(literal) AND root IN (\(list)) GROUP BY root FORMAT RowBinary
                """, settings: ClickHouseAnalytics.settings)
            try answers.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
                var reader = RowBinaryReader(bytes)
                while !reader.isAtEnd {
                    let root = try reader.int64(), count = try reader.int64()
                    found[root]?.feedback = Int(count)
                }
            }
        }
        return found
    }

    /// Counts on the cluster instead of reading every row.
    public func rowCounts(through lastEvent: Int64) throws -> (events: Int, feedback: Int) {
        let numbers = try client.integers(["events", "feedback"].map { "SELECT count() FROM \(database).\($0) WHERE workspace = \(literal) AND seq <= \(lastEvent)" },
                                          what: "the rows of workspace '\(workspace)'")
        return (numbers[0], numbers[1])
    }
}
