import JourneyStore

/// Copies one workspace's customer data from any store to a ClickHouse cluster, then reads it
/// back and checks it: the same rows of each kind and the same digest, or an error.
public struct CustomerDataCopy: Sendable {
    /// What was copied: the digest both sides share.
    public struct Summary: Sendable {
        public var copied: CustomerDataDigest
    }

    /// Bytes of rows sent in one insert.
    static let batchBytes = 16 << 20

    static let customerColumns = ["workspace", "id", "merged_into", "traits"]
    static let eventColumns = ["workspace", "seq", "customer", "root", "timestamp", "type", "name", "channel", "message", "prop_paths", "prop_values"]
    static let feedbackColumns = ["workspace", "seq", "customer", "root", "timestamp", "metric", "score", "text", "touchpoint"]

    public let target: ClickHouseCustomerData

    public init(target: ClickHouseCustomerData) { self.target = target }

    /// Copies `source`, the customer data of `workspace`; with `replace`, what the cluster held of
    /// that workspace goes first, and without it a workspace that has rows there is refused.
    /// `progress` receives the events copied so far and their number.
    public func copy(_ source: any CustomerDataReader, workspace: String, replace: Bool,
                     progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        try target.prepare()
        let present = try target.counts(workspace: workspace)
        if present.events + present.customers + present.feedback > 0 {
            guard replace else {
                throw ClickHouseError.unexpected("\(target.client.url): workspace '\(workspace)' already has \(present.events) events and \(present.customers) customers there; add --replace to copy it again")
            }
            try target.deleteWorkspace(workspace)
        }
        let expected = try CustomerDataDigest.of(source)
        let links = try source.customerLinks()
        func root(_ customer: Int64) -> Int64 {
            guard customer >= 0, customer < Int64(links.rootPosition.count) else { return customer }
            let position = links.rootPosition[Int(customer)]
            return position >= 0 ? links.roots[Int(position)] : customer
        }
        let database = target.database
        var batch = RowBinaryWriter()
        func flush(_ table: String, _ columns: [String]) throws {
            guard !batch.bytes.isEmpty else { return }
            try target.client.insert(into: "\(database).\(table)", columns: columns, rows: batch.bytes)
            batch.bytes.removeAll(keepingCapacity: true)
        }

        var traits: [Int64: [UInt8]] = [:]
        try source.scanTraits { id, text in traits[id] = Array(text) }
        for (id, position) in links.rootPosition.enumerated() where position >= 0 {
            let root = links.roots[Int(position)]
            batch.string(workspace)
            batch.int64(Int64(id))
            batch.int64(root == Int64(id) ? 0 : root)
            (traits[Int64(id)] ?? []).withUnsafeBufferPointer { batch.string($0) }
            if batch.bytes.count >= Self.batchBytes { try flush("customers", Self.customerColumns) }
        }
        try flush("customers", Self.customerColumns)
        traits = [:]

        var copied = 0
        var leaves: [(ArraySlice<UInt8>, UnsafeBufferPointer<UInt8>)] = []
        if let ids = try source.eventIDRange() {
            var low = ids.lowerBound
            while low <= ids.upperBound {
                let high = min(ids.upperBound, low &+ CustomerDataDigest.piece - 1)
                var rows: [UInt8] = []
                try source.scanEvents(ids: low...high) { row in
                    batch.string(workspace)
                    batch.int64(row.sequence)
                    batch.int64(row.customer)
                    batch.int64(root(row.customer))
                    batch.int64(row.timestamp)
                    batch.string(row.type); batch.string(row.name); batch.string(row.channel); batch.string(row.message)
                    batch.messageLeaves(row.message, scratch: &leaves)
                    copied += 1
                    if batch.bytes.count >= Self.batchBytes {
                        swap(&rows, &batch.bytes)
                        try target.client.insert(into: "\(database).events", columns: Self.eventColumns, rows: rows)
                        rows.removeAll(keepingCapacity: true)
                        progress?(copied, expected.events)
                    }
                }
                try flush("events", Self.eventColumns)
                progress?(copied, expected.events)
                guard high < ids.upperBound else { break }
                low = high + 1
            }
        }

        try source.scanFeedback { row in
            batch.string(workspace)
            batch.int64(row.sequence)
            batch.int64(row.customer)
            batch.int64(root(row.customer))
            batch.int64(row.timestamp)
            batch.string(row.metric)
            batch.nullableFloat64(row.score)
            batch.nullableString(row.text)
            batch.nullableString(row.touchpoint)
        }
        try flush("feedback", Self.feedbackColumns)

        let written = try CustomerDataDigest.of(target.workspace(workspace))
        guard written == expected else {
            throw ClickHouseError.unexpected("\(target.client.url): the copy of workspace '\(workspace)' does not match its source (source: \(expected); copy: \(written)); run the copy again with --replace")
        }
        return Summary(copied: written)
    }
}
