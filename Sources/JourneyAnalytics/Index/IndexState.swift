import JourneyStore

/// What an index build keeps so that the next one reads only what arrived since: every event it
/// laid out (off-map ones too) per stitched customer, with its sequence number, and the
/// customers, traits, survey answers and counts it read.
///
/// ``IndexBuilder/update(_:from:through:progress:)`` carries a state's rows over and reads the
/// events after ``lastEvent``; ``IndexBuilder/index(from:)`` gives the index of a state whose
/// store has not changed; ``IndexFile`` keeps a state on disk.
public struct IndexState: Sendable {
    /// The version of the file layout; a file of another version is built again.
    static let format = 1
    /// The version of the rules a build follows (classification, liveness, layout): part of
    /// every state's key, so a release that changes them never reuses a state of an older one.
    static let engine = "2026-12-06"

    /// The digest of the map, personas and request the state was built for (``IndexBuilder/stateKey``).
    public let key: String
    /// The highest sequence number read: the next update reads the events after it.
    public let lastEvent: Int64
    /// The store's watermark when the state was read, set by whoever keeps the state to know
    /// whether the store changed since.
    public var watermark: IndexWatermark?

    /// Stitched customer numbers, ascending.
    let roots: [Int64]
    /// Where each customer's rows start; one more entry than roots.
    let offsets: [Int]
    let sequences: [Int64]
    let timestamps: [Int64]
    /// The touchpoint of each row, ``IndexBuilder/offMap`` for an unclassified interaction.
    let touchpoints: [UInt16]
    let channels: [UInt8]
    /// Property filter bits per row, or empty without property filters.
    let flags: [UInt8]
    let channelNames: [String]
    /// Per property path, the first value of each customer position.
    let firstValues: [[Int32: IndexBuilder.FirstValue]]
    /// Events read per (type, name, channel).
    let keys: [IndexBuilder.KeyCount]
    /// Events read (at or after the map's live day).
    let events: Int
    let personas: [UInt8]
    let traits: [String: ValueColumn]
    let answers: FeedbackAnswers.Arrivals

    init(key: String, lastEvent: Int64, watermark: IndexWatermark? = nil, roots: [Int64], offsets: [Int], sequences: [Int64], timestamps: [Int64],
         touchpoints: [UInt16], channels: [UInt8], flags: [UInt8], channelNames: [String], firstValues: [[Int32: IndexBuilder.FirstValue]],
         keys: [IndexBuilder.KeyCount], events: Int, personas: [UInt8], traits: [String: ValueColumn], answers: FeedbackAnswers.Arrivals) {
        self.key = key
        self.lastEvent = lastEvent
        self.watermark = watermark
        self.roots = roots
        self.offsets = offsets
        self.sequences = sequences
        self.timestamps = timestamps
        self.touchpoints = touchpoints
        self.channels = channels
        self.flags = flags
        self.channelNames = channelNames
        self.firstValues = firstValues
        self.keys = keys
        self.events = events
        self.personas = personas
        self.traits = traits
        self.answers = answers
    }

    /// The state of a layout ordered by time, before its off-map events are dropped.
    init(key: String, lastEvent: Int64, roots: [Int64], layout: Layout, keys: [IndexBuilder.KeyCount], events: Int, personas: [UInt8],
         traits: [String: ValueColumn], answers: FeedbackAnswers.Arrivals) {
        self.init(key: key, lastEvent: lastEvent, roots: roots, offsets: layout.offsets, sequences: layout.sequences, timestamps: layout.timestamps,
                  touchpoints: layout.touchpoints, channels: layout.channels, flags: layout.flags, channelNames: layout.channelNames,
                  firstValues: layout.firstValues, keys: keys, events: events, personas: personas, traits: traits, answers: answers)
    }

    /// Whether the state holds the columns `request` asks for: its trait paths, a first value
    /// per property path, and filter bits when it filters properties.
    func fits(_ request: IndexRequest) -> Bool {
        Set(traits.keys) == Set(request.traitPaths) && firstValues.count == request.propertyPaths.count
            && flags.count == (request.propertyFilters.isEmpty ? 0 : rowCount)
            && flags.allSatisfy { Int($0) >> request.propertyFilters.count == 0 }
            && traits.values.allSatisfy { $0.codes.count == roots.count } && personas.count == roots.count
    }

    /// Stitched customers.
    public var customerCount: Int { roots.count }
    /// Rows kept: classified events and the unclassified interactions between them.
    public var rowCount: Int { timestamps.count }

    /// Where each customer of the state is among the stitched customers of `links` (two merged
    /// since are at one place); nil when a customer of the state is no longer in the store.
    func positions(in links: CustomerLinks) -> [Int32]? {
        var position = [Int32](repeating: -1, count: roots.count)
        for (index, root) in roots.enumerated() {
            guard root >= 0, root < Int64(links.rootPosition.count), links.rootPosition[Int(root)] >= 0 else { return nil }
            position[index] = links.rootPosition[Int(root)]
        }
        return position
    }

    /// The state's rows as one chunk of a build, each at the customer position `positions` gives.
    func chunk(positions position: [Int32]) -> IndexBuilder.Chunk {
        var chunk = IndexBuilder.Chunk()
        chunk.customer = [Int32](unsafeUninitializedCapacity: rowCount) { buffer, count in
            for customer in roots.indices {
                for row in offsets[customer] ..< offsets[customer + 1] { buffer[row] = position[customer] }
            }
            count = rowCount
        }
        chunk.sequence = sequences
        chunk.timestamp = timestamps
        chunk.touchpoint = touchpoints
        chunk.channel = channels
        chunk.flags = flags
        chunk.channelNames = channelNames
        chunk.firstValues = firstValues.map { values in
            var moved: [Int32: IndexBuilder.FirstValue] = [:]
            moved.reserveCapacity(values.count)
            for (customer, value) in values {
                let target = position[Int(customer)]
                if let known = moved[target], known.precedes(value) { continue }
                moved[target] = value
            }
            return moved
        }
        return chunk
    }
}
