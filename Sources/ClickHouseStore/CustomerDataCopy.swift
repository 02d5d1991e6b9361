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
        try target.recordMark(nil, workspace: workspace)
        let expected = try CustomerDataDigest.of(source)
        let links = try source.customerLinks()
        func root(_ customer: Int64) -> Int64 {
            guard customer >= 0, customer < Int64(links.rootPosition.count) else { return customer }
            let position = links.rootPosition[Int(customer)]
            return position >= 0 ? links.roots[Int(position)] : customer
        }
        var batch = RowBinaryWriter()
        func flush(_ table: String, _ columns: [String]) throws { try self.flush(&batch, into: table, columns) }

        var traits: [Int64: [UInt8]] = [:]
        try source.scanTraits { id, text in traits[id] = Array(text) }
        for (id, position) in links.rootPosition.enumerated() where position >= 0 {
            batch.customer(workspace: workspace, id: Int64(id), root: links.roots[Int(position)], traits: traits[Int64(id)])
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
                    batch.event(row, workspace: workspace, root: root(row.customer), leaves: &leaves)
                    copied += 1
                    if batch.bytes.count >= Self.batchBytes {
                        swap(&rows, &batch.bytes)
                        try target.client.insert(into: "\(target.database).events", columns: Self.eventColumns, rows: rows)
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

        try source.scanFeedback { row in batch.answer(row, workspace: workspace, root: root(row.customer)) }
        try flush("feedback", Self.feedbackColumns)

        let written = try CustomerDataDigest.of(target.workspace(workspace))
        guard written == expected else {
            throw ClickHouseError.unexpected("\(target.client.url): the copy of workspace '\(workspace)' does not match its source (source: \(expected); copy: \(written)); run the copy again with --replace")
        }
        var mark = try target.currentMark(workspace: workspace)
        mark.store = try source.storeIdentity() ?? ""
        try target.recordMark(mark, workspace: workspace)
        return Summary(copied: written)
    }
}

extension CustomerDataCopy {
    /// Sends the rows in `batch` to `table` (of the columns given) and empties it.
    func flush(_ batch: inout RowBinaryWriter, into table: String, _ columns: [String]) throws {
        guard !batch.bytes.isEmpty else { return }
        try target.client.insert(into: "\(target.database).\(table)", columns: columns, rows: batch.bytes)
        batch.bytes.removeAll(keepingCapacity: true)
    }
}

/// The rows of the cluster's tables, in the order of ``CustomerDataCopy``'s column lists.
extension RowBinaryWriter {
    /// A row of `customers`: `root` is the stitched customer (`merged_into` 0 when it is `id` itself).
    mutating func customer(workspace: String, id: Int64, root: Int64, traits: [UInt8]?) {
        string(workspace)
        int64(id)
        int64(root == id ? 0 : root)
        (traits ?? []).withUnsafeBufferPointer { string($0) }
    }

    /// A row of `events`, with the message's values by path.
    mutating func event(_ row: borrowing RawEventRow, workspace: String, root: Int64, leaves: inout [(ArraySlice<UInt8>, UnsafeBufferPointer<UInt8>)]) {
        string(workspace)
        int64(row.sequence)
        int64(row.customer)
        int64(root)
        int64(row.timestamp)
        string(row.type); string(row.name); string(row.channel); string(row.message)
        messageLeaves(row.message, scratch: &leaves)
    }

    /// A row of `feedback`.
    mutating func answer(_ row: borrowing RawFeedbackRow, workspace: String, root: Int64) {
        string(workspace)
        int64(row.sequence)
        int64(row.customer)
        int64(root)
        int64(row.timestamp)
        string(row.metric)
        nullableFloat64(row.score)
        nullableString(row.text)
        nullableString(row.touchpoint)
    }
}
