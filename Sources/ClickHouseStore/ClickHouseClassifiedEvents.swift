import CustomerData
import JourneyAnalytics
import JourneyModel

extension ClickHouseWorkspaceData: ClassifyingCustomerData {
    /// The events classified on the shards (``ClickHouseAnalytics``'s signatures): each stitched
    /// customer comes back as one array, grouped on the shard that holds them, of their classified
    /// events and unclassified track, page and screen events (sequence number, time, touchpoint and
    /// channel), and every (type, name, channel) key as its counts, instead of every event with its message. With `properties` (property filters and
    /// breakdowns), a classified event also brings the JSON texts at the paths they read, which
    /// ``PropertyValues`` evaluates here. Nil when the rules test values with more variants than
    /// the cluster is asked to send back.
    public func classifiedEvents(journey: JourneyMap, since: Int64, properties: PropertyValues?) throws -> ClassifiedEvents? {
        // A time no event can have is refused, as the engine's own scan refuses it.
        let range = try client.execute("""
            SELECT count(), min(timestamp), max(timestamp), argMin(seq, timestamp), argMax(seq, timestamp) FROM \(database).events
            WHERE workspace = \(literal) FORMAT RowBinary
            """)
        try range.withUnsafeBufferPointer { bytes throws in
            var reader = RowBinaryReader(bytes)
            let count = try reader.int64(), low = try reader.int64(), high = try reader.int64(), lowEvent = try reader.int64(), highEvent = try reader.int64()
            guard count == 0 || (Timestamp.range.contains(low) && Timestamp.range.contains(high)) else {
                let (event, time) = Timestamp.range.contains(low) ? (highEvent, high) : (lowEvent, low)
                throw IndexBuilder.Failure(description: "event \(event) has the time \(time), which no event can have (the store was changed by hand); correct or delete that event")
            }
        }
        let analytics = ClickHouseAnalytics(self)
        var scope = "workspace = \(literal)"
        if since != .min { scope += " AND timestamp >= \(since)" }
        guard let classes = try analytics.classify(journey: journey, scope: scope, code: { Int64($0) }) else { return nil }
        var classified = ClassifiedEvents()

        // The keys in the order of their first events, with their unclassified events.
        var unclassified: [String: Int] = [:]
        for signature in classes.signatures where signature.touchpoint < 0 {
            unclassified[signature.type + "\u{1F}" + signature.name + "\u{1F}" + signature.channel, default: 0] += signature.events
        }
        let keys = try client.execute("""
            SELECT type, name, channel, count() FROM \(database).events WHERE \(scope)
            GROUP BY type, name, channel ORDER BY min(seq) FORMAT RowBinary
            """, settings: ClickHouseAnalytics.settings)
        try keys.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd {
                let type = String(decoding: try reader.string(), as: UTF8.self), name = String(decoding: try reader.string(), as: UTF8.self)
                let channel = String(decoding: try reader.string(), as: UTF8.self)
                let events = Int(try reader.int64())
                classified.keys.append(ClassifiedEvents.Key(type: type, name: name, channel: channel, events: events,
                                                            unclassified: unclassified[type + "\u{1F}" + name + "\u{1F}" + channel] ?? 0))
            }
        }

        // Past 255 channels the engine's own scan numbers them chunk by chunk: it reads the rows then.
        guard Set(classified.keys.map(\.channel)).count < 255 else { return nil }
        let touchpoints = Int64(journey.touchpoints.count)
        // The values the property filters and breakdowns read, of classified events only (a JSON
        // text is never empty: empty is none); the type and name when a path names a column.
        var properties = properties
        let texts = properties?.messagePaths.map { "if(code >= 0, prop_values[indexOf(prop_paths, \(ClickHouseSQL.string(MessageLeaves.path($0))))], '')" } ?? []
        let columns = properties?.readsColumns == true ? ["type", "name"] : []
        // One array per stitched customer, made on the shard that holds all of their events.
        let rows = try client.execute("""
            SELECT root, groupArray((seq, timestamp, toInt64(\(classes.code)) AS code, channel\((texts + columns).map { ", " + $0 }.joined()))) FROM \(database).events
            WHERE \(scope) AND (code >= 0 OR type IN ('track', 'page', 'screen')) GROUP BY root FORMAT RowBinary
            """, settings: ClickHouseAnalytics.settings.merging(["distributed_group_by_no_merge": "1"]) { $1 })
        try rows.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
            var reader = RowBinaryReader(bytes)
            var channels: [String] = []
            var remaining = 0, customer: Int64 = 0
            while remaining > 0 || !reader.isAtEnd {
                if remaining == 0 {
                    customer = try reader.int64()
                    // An event is 25 bytes at least (three numbers and a channel's length).
                    remaining = try reader.arrayCount(elementSize: 25)
                    continue
                }
                remaining -= 1
                let sequence = try reader.int64(), timestamp = try reader.int64(), code = try reader.int64()
                let channelBytes = try reader.string()
                guard code >= -1, code < touchpoints else {
                    throw .unexpected("\(client.url): event \(sequence) was classified as touchpoint \(code) of \(touchpoints)")
                }
                // Fewer than 255 channels (the keys said so, and a row of another is refused):
                // one string each, not one per row.
                let channel: String
                if let known = channels.first(where: { $0.utf8.elementsEqual(channelBytes) }) {
                    channel = known
                } else {
                    guard channels.count < 255 else { throw .unexpected("\(client.url): the events changed while they were read (more than 255 channels); analyse again") }
                    channel = String(decoding: channelBytes, as: UTF8.self)
                    channels.append(channel)
                }
                classified.append(customer: customer, sequence: sequence, timestamp: timestamp, touchpoint: Int32(code), channel: channel)
                guard properties != nil else { continue }
                var values: [[UInt8]?] = []
                for _ in texts {
                    let text = try reader.string()
                    values.append(text.isEmpty ? nil : Array(text))
                }
                let type = columns.isEmpty ? [] : Array(try reader.string()), name = columns.isEmpty ? [] : Array(try reader.string())
                // Evaluated in place: the evaluator keeps the answers of the values seen.
                let answer = code < 0 ? nil : properties?.evaluate(type: type, name: name, channel: Array(channelBytes), texts: values)
                classified.append(answer, of: properties!)
            }
        }
        return classified
    }
}
