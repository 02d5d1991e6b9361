import JourneyModel
import JourneyStore

/// A workspace's events classified where they are stored, as the index build classifies them
/// itself: a backend that can classify (a ClickHouse cluster, ``ClassifyingCustomerData``) sends
/// these rows, a few numbers an event, instead of every event's message.
public struct ClassifiedEvents: Sendable {
    /// Events of one (type, name, channel), and how many of them no rule selected.
    public struct Key: Sendable, Equatable {
        public var type: String, name: String, channel: String
        public var events: Int, unclassified: Int

        public init(type: String, name: String, channel: String, events: Int, unclassified: Int) {
            self.type = type
            self.name = name
            self.channel = channel
            self.events = events
            self.unclassified = unclassified
        }
    }

    /// Every key of the events at or after the map's live day, in the order of its first event.
    public var keys: [Key] = []
    /// The rows kept, in any order (the build orders each customer's by time, then sequence
    /// number): classified events, and unclassified track, page and screen events (which count
    /// off-map steps). The customer each belongs to: the one it arrived with, or the stitched
    /// customer that one was merged into (the build places both alike).
    public var customers: [Int64] = []
    public var sequences: [Int64] = []
    public var timestamps: [Int64] = []
    /// The touchpoint of each row (an index into the map's touchpoints), -1 for an unclassified interaction.
    public var touchpoints: [Int32] = []
    /// The channel of each row; empty when absent.
    public var channels: [String] = []
    /// With property filters (``PropertyValues``), each row's answers (0 for an unclassified row);
    /// empty otherwise.
    public var flags: [UInt8] = []
    /// Per property path, each row's value: an index into ``texts``, or -1 for none.
    public var values: [[Int32]] = []
    /// The property values, each once.
    public var texts: [String] = []
    private var textNumbers: [String: Int32] = [:]

    public init() {}

    /// Adds the answers of `properties` for the row added last (nil for an unclassified row).
    public mutating func append(_ answer: PropertyValues.Answer?, of properties: PropertyValues) {
        if properties.filterCount > 0 { flags.append(answer?.flags ?? 0) }
        if values.count < properties.pathCount { values = Array(repeating: [], count: properties.pathCount) }
        for path in 0..<properties.pathCount {
            guard let text = answer?.values[path] else { values[path].append(-1); continue }
            if let number = textNumbers[text] {
                values[path].append(number)
            } else {
                let number = Int32(texts.count)
                texts.append(text)
                textNumbers[text] = number
                values[path].append(number)
            }
        }
    }

    /// Adds a row.
    public mutating func append(customer: Int64, sequence: Int64, timestamp: Int64, touchpoint: Int32, channel: String) {
        customers.append(customer)
        sequences.append(sequence)
        timestamps.append(timestamp)
        touchpoints.append(touchpoint)
        channels.append(channel)
    }
}

/// Customer data whose backend classifies events itself.
public protocol ClassifyingCustomerData: CustomerDataReader {
    /// The workspace's events at or after `since` classified by `journey`'s rules, or nil when
    /// the backend cannot classify them (the index build then reads the events).
    /// With `properties`, each classified row also carries its answers (``ClassifiedEvents/flags``
    /// and ``ClassifiedEvents/values``).
    func classifiedEvents(journey: JourneyMap, since: Int64, properties: PropertyValues?) throws -> ClassifiedEvents?
}

extension ClassifyingCustomerData {
    /// The classified events without property answers.
    public func classifiedEvents(journey: JourneyMap, since: Int64) throws -> ClassifiedEvents? {
        try classifiedEvents(journey: journey, since: since, properties: nil)
    }
}

extension IndexBuilder {
    /// The rows of `classified` as one chunk of a build, each at its stitched customer's position
    /// in `links`, channels numbered in the order of their keys' first events (as a scan numbers
    /// them); rows of customers `links` does not have are left out, as a scan leaves them.
    static func chunk(_ classified: ClassifiedEvents, links: CustomerLinks, properties: Int) -> Chunk {
        var chunk = Chunk()
        chunk.firstValues = Array(repeating: [:], count: properties)
        var numbers: [String: UInt8] = [:]
        for key in classified.keys where numbers[key.channel] == nil {
            let number = UInt8(truncatingIfNeeded: min(chunk.channelNames.count, 255))
            if chunk.channelNames.count < 255 { numbers[key.channel] = number; chunk.channelNames.append(key.channel) }
        }
        chunk.keys = classified.keys.map { KeyCount(type: $0.type, name: $0.name, channel: $0.channel, events: $0.events, unclassified: $0.unclassified) }
        chunk.events = classified.keys.reduce(0) { $0 + $1.events }
        chunk.scanned = chunk.events
        let positions = links.rootPosition
        for row in classified.customers.indices {
            let number = classified.customers[row]
            guard number >= 0, number < Int64(positions.count), positions[Int(number)] >= 0 else { continue }
            let touchpoint = classified.touchpoints[row]
            chunk.customer.append(positions[Int(number)])
            chunk.sequence.append(classified.sequences[row])
            chunk.timestamp.append(classified.timestamps[row])
            chunk.touchpoint.append(touchpoint < 0 ? offMap : UInt16(truncatingIfNeeded: touchpoint))
            chunk.channel.append(numbers[classified.channels[row]] ?? 255)
            if !classified.flags.isEmpty { chunk.flags.append(classified.flags[row]) }
            // Of a customer's classified events with a value, the earliest's (then the first to arrive) is kept.
            for path in 0..<min(properties, classified.values.count) where classified.values[path][row] >= 0 {
                let customer = positions[Int(number)]
                let value = FirstValue(timestamp: classified.timestamps[row], sequence: classified.sequences[row],
                                       text: classified.texts[Int(classified.values[path][row])])
                if let known = chunk.firstValues[path][customer], !value.precedes(known) { continue }
                chunk.firstValues[path][customer] = value
            }
        }
        return chunk
    }
}
