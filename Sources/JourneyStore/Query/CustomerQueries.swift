import CustomerData
import Foundation
import GRDB

/// A customer as the store knows it.
public struct CustomerRecord: Sendable, Codable, Equatable {
    /// `cus_42`.
    public var id: String
    /// First and last event, ISO 8601.
    public var firstSeen: String?
    /// Last event, ISO 8601.
    public var lastSeen: String?
    /// Number of events.
    public var events: Int
    /// Identifiers as `kind:value`, sorted.
    public var identifiers: [String]
    /// Merged traits from identify events, as JSON text.
    public var traits: String

    enum CodingKeys: String, CodingKey {
        case id, events, identifiers, traits
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
    }
}

/// One event of a customer's time line.
public struct TimelineEntry: Sendable, Codable, Equatable {
    /// ISO 8601.
    public var timestamp: String
    /// Event type.
    public var type: String
    /// Event or page name.
    public var name: String?
    /// Channel.
    public var channel: String?
    /// The whole Segment message.
    public var message: String
}

extension JourneyStore {
    /// The customer number for a customer id (`cus_42`) or any identifier (`maya@example.com`,
    /// `email:maya@example.com`, a user or anonymous id), following merges; nil when unknown.
    ///
    /// `phoneCountry` places a national phone number as the import did (`--phone-country`).
    public func findCustomer(_ text: String, phoneCountry: String? = nil) throws -> Int64? {
        try database.read { db in
            if let number = CustomerID.number(text), let row = try Row.fetchOne(db, sql: "SELECT id, merged_into FROM customers WHERE id = ?", arguments: [number]) {
                let merged: Int64? = row[1]
                return merged ?? row[0]
            }
            var candidates: [Identifier] = []
            if let colon = text.firstIndex(of: ":"), let kind = Identifier.Kind(rawValue: String(text[..<colon])),
               let identifier = Identifier.make(kind, String(text[text.index(after: colon)...]), phoneCountry: phoneCountry) {
                candidates.append(identifier)
            }
            for kind in Identifier.Kind.allCases {
                if let identifier = Identifier.make(kind, text, phoneCountry: phoneCountry) { candidates.append(identifier) }
            }
            for identifier in candidates {
                if let customer = try Int64.fetchOne(db, sql: """
                    SELECT coalesce(c.merged_into, c.id) FROM identities i JOIN customers c ON c.id = i.customer_id WHERE i.kind = ? AND i.value = ?
                    """,
                                                     arguments: [identifier.kind.rawValue, identifier.value]) {
                    return customer
                }
            }
            return nil
        }
    }

    /// A page of customers, most recently seen first, and the total.
    public func customers(limit: Int, offset: Int = 0) throws -> (total: Int, customers: [CustomerRecord]) {
        try database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers WHERE merged_into IS NULL") ?? 0
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM customers WHERE merged_into IS NULL ORDER BY last_seen DESC, id LIMIT ? OFFSET ?
                """, arguments: [limit, offset])
            return (total, try ids.map { try record(of: $0, db: db) })
        }
    }

    /// One customer with identifiers and traits.
    public func customer(_ number: Int64) throws -> CustomerRecord {
        try database.read { db in try record(of: number, db: db) }
    }

    /// A customer's events in time order (then arrival order).
    public func timeline(of number: Int64, limit: Int = 1_000) throws -> [TimelineEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT timestamp, type, name, channel, message, message_id FROM events WHERE customer_id IN \(Self.mergedInto)
                ORDER BY timestamp, id LIMIT ?2
                """, arguments: [number, limit]).map { row in
                let payload = (try? JSONParser.parse(row[4] as String)) ?? .object([])
                let event = Event(type: Event.Kind(rawValue: row[1]) ?? .track, name: row[2], messageId: row[5], timestamp: row[0], payload: payload)
                return TimelineEntry(timestamp: Timestamp.iso8601(row[0]), type: row[1], name: row[2], channel: row[3], message: event.json.json)
            }
        }
    }

    /// The customer `?1` and every customer merged into it: events and identifiers of a bulk load
    /// still name the customer they arrived with until the load ends.
    static let mergedInto = "(SELECT id FROM customers WHERE id = ?1 OR merged_into = ?1)"

    func record(of number: Int64, db: Database) throws -> CustomerRecord {
        let row = try Row.fetchOne(db, sql: "SELECT first_seen, last_seen, traits FROM customers WHERE id = ?", arguments: [number])
        let identifiers = try Row.fetchAll(db, sql: "SELECT kind, value FROM identities WHERE customer_id IN \(Self.mergedInto) ORDER BY kind, value", arguments: [number])
            .map { "\($0[0] as String):\($0[1] as String)" }
        let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE customer_id IN \(Self.mergedInto)", arguments: [number]) ?? 0
        return CustomerRecord(id: CustomerID.text(number), firstSeen: (row?[0] as Int64?).map(Timestamp.iso8601),
                              lastSeen: (row?[1] as Int64?).map(Timestamp.iso8601), events: events, identifiers: identifiers,
                              traits: row?[2] ?? "{}")
    }

    /// What erasing a customer removed.
    public struct Erasure: Sendable, Codable, Equatable {
        /// The customer id erased.
        public var customer: String
        /// Events deleted.
        public var events: Int
        /// Identifiers deleted.
        public var identifiers: Int
        /// Feedback answers deleted.
        public var feedback: Int
        /// Customer rows deleted (the customer and those merged into it).
        public var customers: Int
        /// Quarantined records that named one of its identifiers, removed from the quarantine file.
        public var quarantined: Int
    }

    /// Erases a customer completely: events, feedback, identifiers, alerts about it (with their
    /// attempts) and its positions on maps, the customer rows merged into it, and quarantined records that mention one of its identifiers.
    public func forget(_ number: Int64) throws -> Erasure {
        let identifiers = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, value FROM identities WHERE customer_id IN \(Self.mergedInto)", arguments: [number]).map { ($0[0] as String, $0[1] as String) }
        }
        var erasure = try database.write { db -> Erasure in
            let feedback = try Int.fetchOne(db, sql: "SELECT count(*) FROM feedback WHERE customer_id IN \(Self.mergedInto)", arguments: [number]) ?? 0
            try db.execute(sql: "DELETE FROM feedback WHERE customer_id IN \(Self.mergedInto)", arguments: [number])
            try db.execute(sql: "DELETE FROM events WHERE customer_id IN \(Self.mergedInto)", arguments: [number])
            let events = db.changesCount
            try db.execute(sql: "DELETE FROM identities WHERE customer_id IN \(Self.mergedInto)", arguments: [number])
            let identities = db.changesCount
            // Alerts about the customer hold its identifiers in their bodies: they go too, sent or not.
            try db.execute(sql: "DELETE FROM alert_deliveries WHERE customer_id IN \(Self.mergedInto)", arguments: [number])
            try db.execute(sql: "DELETE FROM alert_positions WHERE customer_id IN \(Self.mergedInto)", arguments: [number])
            try db.execute(sql: "DELETE FROM customers WHERE id = ? OR merged_into = ?", arguments: [number, number])
            let customers = db.changesCount
            _ = try Self.raiseIdentityGeneration(db)
            return Erasure(customer: CustomerID.text(number), events: events, identifiers: identities, feedback: feedback, customers: customers, quarantined: 0)
        }
        erasure.quarantined = try scrubQuarantine(values: identifiers.map(\.1))
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return erasure
    }

    /// Removes quarantined records whose text holds any of the values; returns how many.
    func scrubQuarantine(values: [String]) throws -> Int {
        guard !values.isEmpty, let data = FileManager.default.contents(atPath: quarantinePath) else { return 0 }
        var kept = "", removed = 0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let lower = line.lowercased()
            if values.contains(where: { !$0.isEmpty && lower.contains($0.lowercased()) }) { removed += 1 } else { kept += line + "\n" }
        }
        if removed > 0 { try Data(kept.utf8).write(to: URL(fileURLWithPath: quarantinePath), options: .atomic) }
        return removed
    }
}
