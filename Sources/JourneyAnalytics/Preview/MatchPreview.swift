import CustomerData
import Foundation
import JourneyModel
import JourneyStore

/// What a match rule being edited selects in the stored data, before it is saved: the events
/// a touchpoint's rule classifies into it (the first rule in map order takes an event, as in
/// every analysis) with a sample of them, and the customers a persona's rule describes.
public enum MatchPreview {
    /// The events of touchpoint `id` under the map as it is being edited.
    public struct Touchpoint: Sendable, Equatable, Codable {
        /// A stored event the rule selects, without its customer or properties.
        public struct Sample: Sendable, Equatable, Codable {
            public var name: String
            public var type: String
            public var channel: String
            public var timestamp: String
        }

        public var touchpoint: String
        /// Events classified into the touchpoint.
        public var events: Int
        /// Customers with at least one of them.
        public var customers: Int
        /// Events the rule selects on its own, earlier touchpoints' rules aside.
        public var matchingAlone: Int
        /// Of those, the events an earlier touchpoint's rule takes first.
        public var claimedEarlier: Int
        /// Every event in the store (of its workspace).
        public var storedEvents: Int
        /// The first events classified into the touchpoint, oldest first by storage.
        public var sample: [Sample]

        enum CodingKeys: String, CodingKey {
            case touchpoint, events, customers, sample
            case matchingAlone = "matching_alone", claimedEarlier = "claimed_earlier", storedEvents = "stored_events"
        }
    }

    /// The customers a persona's rule describes.
    public struct Persona: Sendable, Equatable, Codable {
        public var persona: String
        /// Customers whose traits satisfy the rule.
        public var customers: Int
        /// Customers in the store (of its workspace).
        public var of: Int
    }

    /// Why a preview cannot be made.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Classifies every stored event with `journey`'s rules and counts those of touchpoint `id`.
    public static func touchpoint(_ id: String, in journey: JourneyMap, store: any CustomerDataReader, sampleSize: Int = 10) throws -> Touchpoint {
        guard let index = journey.touchpoints.firstIndex(where: { $0.id == id }) else {
            throw Failure(description: "touchpoint: the map has no touchpoint '\(id.prefix(80))'")
        }
        var alone = journey
        alone.touchpoints = [journey.touchpoints[index]]
        var classifier = EventClassifier(journey: journey, extraPaths: [])
        var single = EventClassifier(journey: alone, extraPaths: [])
        let links = try store.customerLinks()
        var preview = Touchpoint(touchpoint: id, events: 0, customers: 0, matchingAlone: 0, claimedEarlier: 0, storedEvents: 0, sample: [])
        var customers = Set<Int32>()
        var key = 0, aloneKey = 0
        if let ids = try store.eventIDRange() {
            try store.scanEvents(ids: ids) { row in
                preview.storedEvents += 1
                let touchpoint = classifier.classify(row, key: &key)
                if single.classify(row, key: &aloneKey) == 0 {
                    preview.matchingAlone += 1
                    if touchpoint >= 0, touchpoint < index { preview.claimedEarlier += 1 }
                }
                guard touchpoint == index else { return }
                preview.events += 1
                let number = Int(row.customer)
                if number >= 0, number < links.rootPosition.count, links.rootPosition[number] >= 0 { customers.insert(links.rootPosition[number]) }
                if preview.sample.count < sampleSize {
                    preview.sample.append(Touchpoint.Sample(name: String(decoding: row.name, as: UTF8.self), type: String(decoding: row.type, as: UTF8.self),
                                                            channel: String(decoding: row.channel, as: UTF8.self), timestamp: Timestamp.iso8601(row.timestamp)))
                }
            }
        }
        preview.customers = customers.count
        return preview
    }

    /// Counts the customers whose traits satisfy `persona`'s rule (none without a rule).
    public static func persona(_ persona: JourneyModel.Persona, store: any CustomerDataReader) throws -> Persona {
        let links = try store.customerLinks()
        var preview = Persona(persona: persona.id, customers: 0, of: links.roots.count)
        guard persona.match != nil else { return preview }
        var roots = Set(links.roots)
        try store.scanTraits { id, traits in
            guard roots.remove(id) != nil else { return }
            let value = (try? JSONParser.parse(traits)) ?? .object([])
            if EventMatcher.matches(persona, traits: value) { preview.customers += 1 }
        }
        return preview
    }
}
