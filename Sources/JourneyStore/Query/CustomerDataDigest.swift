import CustomerData

/// What a copy of customer data is checked by: the rows of each kind and a digest of their
/// contents (the sum of a 128-bit hash of each row), read through ``CustomerDataReader`` the
/// same way on both sides, so a row lost, added or changed on the way shows.
public struct CustomerDataDigest: Equatable, Sendable, CustomStringConvertible {
    public var events = 0
    public var customers = 0
    public var feedback = 0
    /// The sums of the rows' hashes, events, customers and answers, in hex.
    public var digest = ""

    public var description: String { "\(events) events, \(customers) customers, \(feedback) survey answers, digest \(digest)" }

    /// Sequence numbers read at once.
    public static let piece: Int64 = 1 << 20

    /// The digest of what `reader` holds.
    public static func of(_ reader: any CustomerDataReader) throws -> CustomerDataDigest {
        var result = CustomerDataDigest()
        var sums = [(UInt64, UInt64)](repeating: (0, 0), count: 3)
        var buffer: [UInt8] = []
        func add(_ kind: Int) {
            let hash = buffer.withUnsafeBufferPointer { Digest.hash128($0) }
            sums[kind].0 &+= hash.0
            sums[kind].1 &+= hash.1
            buffer.removeAll(keepingCapacity: true)
        }
        func number(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
        func text(_ value: UnsafeBufferPointer<UInt8>?) {
            guard let value else { return number(-1) }
            number(Int64(value.count))
            buffer.append(contentsOf: value)
        }
        if let ids = try reader.eventIDRange() {
            var low = ids.lowerBound
            while low <= ids.upperBound {
                let high = min(ids.upperBound, low &+ piece - 1)
                try reader.scanEvents(ids: low...high) { row in
                    number(row.sequence); number(row.customer); number(row.timestamp)
                    text(row.type); text(row.name); text(row.channel); text(row.message)
                    add(0)
                    result.events += 1
                }
                guard high < ids.upperBound else { break }
                low = high + 1
            }
        }
        let links = try reader.customerLinks()
        for (id, position) in links.rootPosition.enumerated() where position >= 0 {
            number(Int64(id)); number(links.roots[Int(position)])
            add(1)
            result.customers += 1
        }
        try reader.scanTraits { id, traits in
            number(id); text(traits)
            add(1)
        }
        try reader.scanFeedback { row in
            number(row.sequence); number(row.customer); number(row.timestamp); text(row.metric)
            number(row.score.map { Int64(bitPattern: $0.bitPattern) } ?? -1); text(row.text); text(row.touchpoint)
            add(2)
            result.feedback += 1
        }
        result.digest = sums.map { String($0.0, radix: 16) + String($0.1, radix: 16) }.joined(separator: ":")
        return result
    }
}
