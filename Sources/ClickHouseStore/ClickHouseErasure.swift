import Foundation

/// What an erasure removed from the cluster.
public struct ClickHouseErasure: Sendable, Codable, Equatable {
    /// Event rows removed.
    public var events: Int
    /// Survey answer rows removed.
    public var feedback: Int
    /// Customer rows removed (the customer and those merged into it).
    public var customers: Int
}

extension ClickHouseCustomerData {
    /// Seconds an erasure waits for the shards to finish removing the rows.
    static let erasureTimeout: Double = 300

    /// Removes every row of workspace `id` that belongs to one of `customers` (a stitched
    /// customer and the customers merged into it) from every shard: the events and survey answers
    /// they arrived with or were stitched to, and their customer rows. Returns once the shards
    /// have removed them and a count finds none left; what was there before is counted.
    ///
    /// ClickHouse removes rows by mutations, which run in the background: this waits for them.
    /// Running it again after a failure removes what is left.
    public func forget(workspace id: String, customers: [Int64]) throws(ClickHouseError) -> ClickHouseErasure {
        guard !customers.isEmpty else { return ClickHouseErasure(events: 0, feedback: 0, customers: 0) }
        // Every shard must be named (the rows are removed on each), and removals a run that
        // stopped midway left running must be done before the rows are counted.
        try prepare()
        try waitForMutations()
        let list = Set(customers).sorted().map(String.init).joined(separator: ",")
        let workspace = ClickHouseSQL.string(id)
        let conditions = [
            ("events", "workspace = \(workspace) AND (customer IN (\(list)) OR root IN (\(list)))"),
            ("feedback", "workspace = \(workspace) AND (customer IN (\(list)) OR root IN (\(list)))"),
            ("customers", "workspace = \(workspace) AND (id IN (\(list)) OR merged_into IN (\(list)))"),
        ]
        func count() throws(ClickHouseError) -> [Int] {
            // A stitched customer of many numbers makes long lists: room for them (ClickHouse reads 256 KiB of a statement by default).
            try client.integers(conditions.map { table, condition in "SELECT count() FROM \(database).\(table) WHERE \(condition)" },
                                settings: ClickHouseAnalytics.settings, what: "the customer's rows")
        }
        let before = try count()
        if before.contains(where: { $0 > 0 }) {
            // The store erases the customer after the cluster: until an update checks the two
            // again, none trusts the last check.
            try recordMark(nil, workspace: id)
            for host in client.url.hosts {
                for (table, condition) in conditions {
                    _ = try client.execute("ALTER TABLE \(database).\(table)_local DELETE WHERE \(condition)", on: host, settings: ClickHouseAnalytics.settings)
                }
            }
            try waitForMutations()
        }
        let after = try count()
        guard after.allSatisfy({ $0 == 0 }) else {
            throw .unexpected("\(client.url): \(after[0]) events, \(after[1]) survey answers and \(after[2]) customer rows of the customer are still on the cluster after the erasure; run it again")
        }
        return ClickHouseErasure(events: before[0], feedback: before[1], customers: before[2])
    }

    /// Waits until no mutation of the database's tables is left to run on any shard.
    public func waitForMutations() throws(ClickHouseError) {
        let started = Date()
        let pending = "SELECT count() FROM system.mutations WHERE database = \(ClickHouseSQL.string(database)) AND is_done = 0"
        for host in client.url.hosts {
            while true {
                let answer = try client.execute(pending, on: host)
                let text = String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard let left = Int(text) else { throw .unexpected("\(client.url): cannot read what the shards have left to remove (the answer was '\(text.prefix(80))')") }
                if left == 0 { break }
                guard Date().timeIntervalSince(started) < Self.erasureTimeout else {
                    throw .unavailable("\(client.url): the shard \(host.name):\(host.port) has not finished removing the rows after \(Int(Self.erasureTimeout)) s; see system.mutations there, then run the erasure again")
                }
                usleep(50_000)
            }
        }
    }
}
