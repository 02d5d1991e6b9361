import JourneyStore

/// Customer data on a ClickHouse cluster: every workspace's events, customers (with their merges
/// and traits) and survey answers, in `MergeTree` tables on each shard behind `Distributed` tables
/// sharded by a hash of (workspace, stitched customer), so all of a customer's rows live on one
/// shard and per-customer work finishes there.
///
/// Events keep the customer they arrived with and the stitched customer they belonged to when
/// written (`root`, the sharding key); `customers` records merges as the embedded store does with
/// `merged_into` (0 for a customer merged into none), and reads resolve them. The identity graph
/// itself (identifiers, stitching) stays in the transactional store (SQLite or PostgreSQL), which
/// is where a customer's number is decided.
///
/// ```swift
/// let cluster = try ClickHouseCustomerData(url: ClickHouseURL("clickhouse://127.0.0.1:8123/wayfinder?cluster=one"))
/// try cluster.prepare()
/// let index = try IndexBuilder(workspace: workspace, journey: map).build(from: cluster.workspace("retail"))
/// ```
public struct ClickHouseCustomerData: Sendable {
    public let client: ClickHouseClient

    public init(url: ClickHouseURL) { client = ClickHouseClient(url: url) }

    var database: String { client.url.database }

    /// The tables on each shard and the `Distributed` table over them, with the sharding key.
    static let tables: [(name: String, columns: String, order: String, shard: String)] = [
        ("events", "workspace String, seq Int64, customer Int64, root Int64, timestamp Int64, type String, name String, channel String, message String, "
            + "prop_paths Array(String), prop_values Array(String)",
         "(workspace, root, timestamp, seq)", "cityHash64(workspace, root)"),
        ("customers", "workspace String, id Int64, merged_into Int64, traits String",
         "(workspace, id)", "cityHash64(workspace, if(merged_into = 0, id, merged_into))"),
        ("feedback", "workspace String, seq Int64, customer Int64, root Int64, timestamp Int64, metric String, score Nullable(Float64), text Nullable(String), touchpoint Nullable(String)",
         "(workspace, root, seq)", "cityHash64(workspace, root)"),
    ]

    /// Checks that the servers form the URL's cluster, then creates the database and the tables
    /// on every server where they are missing. Safe to run again.
    public func prepare() throws(ClickHouseError) {
        let url = client.url
        let shards = try client.value("SELECT count() FROM system.clusters WHERE cluster = \(ClickHouseSQL.string(url.cluster))")
        guard let count = Int(shards), count > 0 else {
            let known = (try? client.value("SELECT arrayStringConcat(groupUniqArray(cluster), ', ') FROM system.clusters")) ?? ""
            throw .unexpected("\(url): the servers know no cluster '\(url.cluster)' in their remote_servers (they know: \(known.isEmpty ? "none" : known)); name one of them with ?cluster=")
        }
        guard count == url.hosts.count else {
            throw .unexpected("\(url): the cluster '\(url.cluster)' has \(count) shards but the URL names \(url.hosts.count) server\(url.hosts.count == 1 ? "" : "s"); name every shard's server (HOST:PORT,HOST:PORT,…) so that its tables can be made")
        }
        try create("CREATE DATABASE IF NOT EXISTS \(database)")
        for table in Self.tables {
            try create("""
                CREATE TABLE IF NOT EXISTS \(database).\(table.name)_local (\(table.columns))
                ENGINE = MergeTree() PARTITION BY workspace ORDER BY \(table.order)
                """)
            try create("""
                CREATE TABLE IF NOT EXISTS \(database).\(table.name) AS \(database).\(table.name)_local
                ENGINE = Distributed(\(url.cluster), \(database), \(table.name)_local, \(table.shard))
                """)
        }
        try create("CREATE TABLE IF NOT EXISTS \(database).\(Self.marksTable) (\(Self.marksColumns)) ENGINE = MergeTree() ORDER BY (workspace, at)")
    }

    /// Runs `statement` on every server; another process making the same table at the same moment
    /// (ClickHouse then says it already exists, codes 57 and 82) is no failure.
    private func create(_ statement: String) throws(ClickHouseError) {
        for host in client.url.hosts {
            do {
                try client.execute(statement, on: host)
            } catch .server(let code, _) where code == 57 || code == 82 {
                continue
            }
        }
    }

    /// The customer data of workspace `id` (empty when nothing was written for it).
    public func workspace(_ id: String) -> ClickHouseWorkspaceData {
        ClickHouseWorkspaceData(client: client, workspace: id)
    }

    /// Rows of each table for workspace `id`.
    public func counts(workspace id: String) throws(ClickHouseError) -> (events: Int, customers: Int, feedback: Int) {
        let literal = ClickHouseSQL.string(id)
        let numbers = try client.integers(["events", "customers", "feedback"].map { "SELECT count() FROM \(database).\($0) WHERE workspace = \(literal)" },
                                          what: "the rows of workspace '\(id)'")
        return (numbers[0], numbers[1], numbers[2])
    }

    /// Deletes everything of workspace `id` on every shard (its partitions go at once).
    public func deleteWorkspace(_ id: String) throws(ClickHouseError) {
        try recordMark(nil, workspace: id)
        for table in Self.tables {
            try client.executeOnEveryHost("ALTER TABLE \(database).\(table.name)_local DROP PARTITION \(ClickHouseSQL.string(id))")
        }
    }
}

/// One workspace's customer data on a ClickHouse cluster, read by the analytics index as it
/// reads the embedded store's.
public struct ClickHouseWorkspaceData: CustomerDataReader {
    let client: ClickHouseClient
    /// The workspace's id (`retail`).
    public let workspace: String

    var database: String { client.url.database }
    var literal: String { ClickHouseSQL.string(workspace) }

    public func eventIDRange() throws -> ClosedRange<Int64>? {
        let answer = try client.execute("SELECT count(), min(seq), max(seq) FROM \(database).events WHERE workspace = \(literal) FORMAT RowBinary")
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> ClosedRange<Int64>? in
            var reader = RowBinaryReader(bytes)
            // count() is a UInt64, as wide as an Int64.
            let count = try reader.int64(), low = try reader.int64(), high = try reader.int64()
            guard count > 0, low <= high else { return nil }
            return low...high
        }
    }

    public func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws {
        let answer = try client.execute("""
            SELECT seq, customer, timestamp, type, name, channel, message FROM \(database).events
            WHERE workspace = \(literal) AND seq BETWEEN \(ids.lowerBound) AND \(ids.upperBound) ORDER BY seq FORMAT RowBinary
            """)
        try answer.withUnsafeBufferPointer { bytes in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd {
                let row = RawEventRow(sequence: try reader.int64(), customer: try reader.int64(), timestamp: try reader.int64(),
                                      type: try reader.string(), name: try reader.string(), channel: try reader.string(), message: try reader.string())
                try body(row)
            }
        }
    }

    public func customerLinks() throws -> CustomerLinks {
        let answer = try client.execute("SELECT id, merged_into FROM \(database).customers WHERE workspace = \(literal) ORDER BY id FORMAT RowBinary")
        return try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) -> CustomerLinks in
            var reader = RowBinaryReader(bytes)
            var rows: [(Int64, Int64)] = []
            while !reader.isAtEnd { rows.append((try reader.int64(), try reader.int64())) }
            let largest = rows.last?.0 ?? 0
            guard largest >= 0, largest < Int64(Int32.max) else { throw .unexpected("\(client.url): customer number \(largest) of workspace '\(workspace)' is out of range") }
            var position = [Int32](repeating: -1, count: Int(largest) + 1)
            var roots: [Int64] = []
            for (id, into) in rows where into == 0 && id >= 0 {
                position[Int(id)] = Int32(roots.count)
                roots.append(id)
            }
            for (id, into) in rows where into != 0 && id >= 0 && into >= 0 && into < position.count { position[Int(id)] = position[Int(into)] }
            return CustomerLinks(roots: roots, rootPosition: position)
        }
    }

    public func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let answer = try client.execute("SELECT id, traits FROM \(database).customers WHERE workspace = \(literal) AND merged_into = 0 ORDER BY id FORMAT RowBinary")
        try answer.withUnsafeBufferPointer { bytes in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd { try body(try reader.int64(), try reader.string()) }
        }
    }

    public func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        let answer = try client.execute("""
            SELECT seq, customer, timestamp, metric, score, text, touchpoint FROM \(database).feedback
            WHERE workspace = \(literal) ORDER BY seq FORMAT RowBinary
            """)
        try answer.withUnsafeBufferPointer { bytes in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd {
                let row = RawFeedbackRow(sequence: try reader.int64(), customer: try reader.int64(), timestamp: try reader.int64(), metric: try reader.string(),
                                         score: try reader.nullableFloat64(), text: try reader.nullableString(), touchpoint: try reader.nullableString())
                try body(row)
            }
        }
    }
}
