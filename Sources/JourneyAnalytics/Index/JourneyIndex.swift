import JourneyModel

/// The columnar journey index: every stitched customer in customer number order, each with its
/// classified events in time order, in contiguous arrays.
///
/// Customer `c` owns the events `offsets[c] ..< offsets[c + 1]`; an event's touchpoint, stage and
/// channel are small interned ids, its time milliseconds since 1970. Events of one customer are
/// ordered by time, then by arrival. Unclassified events are not in the arrays: they are counted
/// in ``summary``, and those a customer made on the map's channels between their first and last
/// classified event are counted per customer in ``offMapEvents``.
public struct JourneyIndex: Sendable {
    /// The map the events were classified with.
    public let journey: JourneyMap
    /// Touchpoint ids in map order; an event's touchpoint is an index into this.
    public let touchpointIDs: [String]
    /// Stage ids in map order.
    public let stageIDs: [String]
    /// The stage index of each touchpoint.
    public let touchpointStage: [UInt8]
    /// Channel names as they appear in the events.
    public let channelNames: [String]
    /// Persona ids in workspace order; a customer's persona is an index into this.
    public let personaIDs: [String]

    /// Stitched customer numbers, ascending.
    public let customers: [Int64]
    /// Where each customer's events start; one more entry than customers.
    public let offsets: [Int]
    /// Event times, milliseconds since 1970.
    public let timestamps: [Int64]
    /// Event touchpoints.
    public let touchpoints: [UInt16]
    /// Event stages.
    public let stages: [UInt8]
    /// Event channels.
    public let channels: [UInt8]
    /// The persona of each customer, or ``noPersona``.
    public let personas: [UInt8]
    /// Unclassified track, page and screen events between each customer's first and last classified event.
    public let offMapEvents: [UInt32]
    /// Requested trait values per customer.
    public let traits: [String: ValueColumn]
    /// Requested property values per customer (taken from their first classified event that has the property).
    public let properties: [String: ValueColumn]
    /// Per event, bit `i` set when the event satisfies the i-th property filter of ``propertyFilters``.
    public let propertyFlags: [UInt8]
    /// The property filters ``propertyFlags`` answers.
    public let propertyFilters: [FieldFilter]
    /// Survey answers, ordered by customer and time.
    public let feedback: FeedbackAnswers
    /// What the build read and how the events were classified.
    public let summary: IndexSummary
    /// The events the index holds: all of them, or those from the map's live day on (``Liveness``).
    public let liveness: Liveness

    /// The persona value of customers that match no persona.
    public static let noPersona: UInt8 = 255

    /// Stitched customers.
    public var customerCount: Int { customers.count }
    /// Classified events.
    public var eventCount: Int { timestamps.count }

    /// The events of customer `c`.
    @inline(__always)
    public func events(of customer: Int) -> Range<Int> { offsets[customer] ..< offsets[customer + 1] }

    /// The index of a touchpoint id.
    public func touchpoint(_ id: String) -> Int? { touchpointIDs.firstIndex(of: id) }
    /// The index of a stage id.
    public func stage(_ id: String) -> Int? { stageIDs.firstIndex(of: id) }

    /// Bytes the arrays hold (what one pass over the index reads, and most of its resident size).
    public var memoryBytes: Int {
        timestamps.count * 8 + touchpoints.count * 2 + stages.count + channels.count + propertyFlags.count
            + customers.count * 8 + offsets.count * 8 + personas.count + offMapEvents.count * 4
            + traits.values.reduce(0) { $0 + $1.codes.count * 4 } + properties.values.reduce(0) { $0 + $1.codes.count * 4 }
    }

    init(journey: JourneyMap, channelNames: [String], personaIDs: [String], customers: [Int64], offsets: [Int], timestamps: [Int64],
         touchpoints: [UInt16], channels: [UInt8], personas: [UInt8], offMapEvents: [UInt32], traits: [String: ValueColumn],
         properties: [String: ValueColumn], propertyFlags: [UInt8], propertyFilters: [FieldFilter], feedback: FeedbackAnswers,
         summary: IndexSummary, liveness: Liveness) {
        self.journey = journey
        touchpointIDs = journey.touchpoints.map(\.id)
        stageIDs = journey.stages.map(\.id)
        let stageIndex = Dictionary(journey.stages.enumerated().map { ($1.id, UInt8(truncatingIfNeeded: $0)) }, uniquingKeysWith: { first, _ in first })
        touchpointStage = journey.touchpoints.map { stageIndex[$0.stage] ?? 0 }
        self.channelNames = channelNames
        self.personaIDs = personaIDs
        self.customers = customers
        self.offsets = offsets
        self.timestamps = timestamps
        self.touchpoints = touchpoints
        let table = touchpointStage
        stages = touchpoints.map { table[Int($0)] }
        self.channels = channels
        self.personas = personas
        self.offMapEvents = offMapEvents
        self.traits = traits
        self.properties = properties
        self.propertyFlags = propertyFlags
        self.propertyFilters = propertyFilters
        self.feedback = feedback
        self.summary = summary
        self.liveness = liveness
    }
}

/// One value per customer, dictionary encoded: `values[codes[c]]`, code 0 meaning absent.
public struct ValueColumn: Sendable {
    /// The distinct values; index 0 is the absent value (empty).
    public var values: [String] = [""]
    /// Per customer, the index of its value.
    public var codes: [UInt32]

    /// The value of customer `c`, or nil when absent.
    public func value(of customer: Int) -> String? {
        let code = Int(codes[customer])
        return code == 0 ? nil : values[code]
    }
}

/// What an index build read and how events were classified.
public struct IndexSummary: Sendable, Codable, Equatable {
    /// One event name no rule selects, with its count.
    public struct Unclassified: Sendable, Codable, Equatable {
        /// The event type.
        public var type: String
        /// The event (or page, screen) name; empty when absent.
        public var name: String
        /// The channel; empty when absent.
        public var channel: String
        /// Events with this type, name and channel that no rule selected.
        public var events: Int
    }

    /// Events read from the store.
    public var events: Int
    /// Events classified into a touchpoint.
    public var classified: Int
    /// Events no touchpoint's rule selects, of every type.
    public var unclassified: Int
    /// Of those, the track, page and screen events: steps of a journey that no touchpoint describes.
    public var unclassifiedInteractions: Int
    /// The other unclassified events by type (identify, alias, group, feedback): not journey events.
    public var notJourneyEvents: [String: Int]
    /// Stitched customers.
    public var customers: Int
    /// Customers with at least one classified event.
    public var customersWithEvents: Int
    /// Classified events per touchpoint id.
    public var touchpointEvents: [String: Int]
    /// The most frequent unclassified track, page and screen (type, name, channel) keys, most frequent first.
    public var topUnclassified: [Unclassified]
    /// Seconds the build took.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case events, classified, unclassified, customers, seconds
        case unclassifiedInteractions = "unclassified_interactions", notJourneyEvents = "not_journey_events"
        case customersWithEvents = "customers_with_events", touchpointEvents = "touchpoint_events", topUnclassified = "top_unclassified"
    }
}
