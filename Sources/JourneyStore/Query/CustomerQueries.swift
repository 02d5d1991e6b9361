import CustomerData
import Foundation
import GRDB
import GRDBSQLite

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

extension WorkspaceData {
    /// Counts of what the workspace's customer data holds.
    public struct Counts: Sendable, Equatable, Codable {
        /// Events stored.
        public var events: Int
        /// Customers after stitching (merged customers are not counted).
        public var customers: Int
        /// Distinct identifiers.
        public var identifiers: Int
        /// Feedback answers.
        public var feedback: Int

        /// Creates counts.
        public init(events: Int, customers: Int, identifiers: Int, feedback: Int) {
            self.events = events
            self.customers = customers
            self.identifiers = identifiers
            self.feedback = feedback
        }
    }

    /// What the workspace holds.
    public func counts() throws -> Counts {
        try database.read { db in try counts(db) }
    }

    /// What the workspace holds and where it came from, read without blocking a thread of the caller's.
    public func overview() async throws -> (counts: Counts, sources: [SourceRecord]) {
        try await database.read { db in (try counts(db), try sources(db)) }
    }

    func counts(_ db: Database) throws -> Counts {
        let workspace: StatementArguments = [rowID]
        return Counts(
            events: try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE workspace_id = ?", arguments: workspace) ?? 0,
            customers: try Int.fetchOne(db, sql: "SELECT count(*) FROM customers WHERE workspace_id = ? AND merged_into IS NULL", arguments: workspace) ?? 0,
            identifiers: try Int.fetchOne(db, sql: "SELECT count(*) FROM identities WHERE workspace_id = ?", arguments: workspace) ?? 0,
            feedback: try Int.fetchOne(db, sql: "SELECT count(*) FROM feedback WHERE workspace_id = ?", arguments: workspace) ?? 0)
    }

    /// The customer number for a customer id (`cus_42`) or any identifier (`maya@example.com`,
    /// `email:maya@example.com`, a user or anonymous id) in this workspace, following merges;
    /// nil when the workspace has no such customer.
    ///
    /// `phoneCountry` places a national phone number as the import did (`--phone-country`).
    public func findCustomer(_ text: String, phoneCountry: String? = nil) throws -> Int64? {
        try database.read { db in
            if let number = CustomerID.number(text), let row = try Row.fetchOne(db, sql: """
                SELECT id, merged_into FROM customers WHERE id = ? AND workspace_id = ?
                """, arguments: [number, rowID]) {
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
            let lookup = try ExactStatement(db, """
                SELECT coalesce(c.merged_into, c.id) FROM identities i JOIN customers c ON c.id = i.customer_id
                WHERE i.workspace_id = ? AND i.kind = ? AND i.value = ?
                """)
            for identifier in candidates {
                var found: Int64?
                try lookup.forEachRow([.integer(rowID), .text(identifier.kind.rawValue), .text(identifier.value)]) { handle in
                    found = found ?? ExactStatement.integer(handle, 0)
                }
                if let found { return found }
            }
            return nil
        }
    }

    /// A page of the workspace's customers, most recently seen first, and the total.
    public func customers(limit: Int, offset: Int = 0) throws -> (total: Int, customers: [CustomerRecord]) {
        try database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM customers WHERE workspace_id = ? AND merged_into IS NULL", arguments: [rowID]) ?? 0
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM customers WHERE workspace_id = ? AND merged_into IS NULL ORDER BY last_seen DESC, id LIMIT ? OFFSET ?
                """, arguments: [rowID, limit, offset])
            return (total, try ids.map { try record(of: $0, db: db) })
        }
    }

    /// One customer of the workspace with identifiers and traits; nil when the workspace has no such customer.
    public func customer(_ number: Int64) throws -> CustomerRecord? {
        try database.read { db in
            guard try owns(number, db: db) else { return nil }
            return try record(of: number, db: db)
        }
    }

    /// A customer's events in time order (then arrival order); empty for a customer of another workspace.
    public func timeline(of number: Int64, limit: Int = 1_000) throws -> [TimelineEntry] {
        try database.read { db in
            var entries: [TimelineEntry] = []
            try ExactStatement(db, """
                SELECT timestamp, type, name, channel, message, message_id FROM events
                WHERE workspace_id = ?2 AND customer_id IN \(Self.mergedInto) ORDER BY timestamp, id LIMIT ?3
                """).forEachRow([.integer(number), .integer(rowID), .integer(Int64(limit))]) { handle in
                let timestamp = sqlite3_column_int64(handle, 0)
                let type = ExactStatement.text(handle, 1) ?? "track"
                let name = ExactStatement.text(handle, 2)
                let payload = (try? JSONParser.parse(ExactStatement.text(handle, 4) ?? "{}")) ?? .object([])
                let event = Event(type: Event.Kind(rawValue: type) ?? .track, name: name, messageId: ExactStatement.text(handle, 5),
                                  timestamp: timestamp, payload: payload)
                entries.append(TimelineEntry(timestamp: Timestamp.iso8601(timestamp), type: type, name: name, channel: ExactStatement.text(handle, 3),
                                             message: event.json.json))
            }
            return entries
        }
    }

    /// The customer `?1` and every customer merged into it: events and identifiers of a bulk load
    /// still name the customer they arrived with until the load ends.
    static let mergedInto = "(SELECT id FROM customers WHERE id = ?1 OR merged_into = ?1)"

    /// Whether customer `number` is one of this workspace's.
    func owns(_ number: Int64, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ? AND workspace_id = ?)", arguments: [number, rowID]) ?? false
    }

    /// A customer's identifiers as `kind:value`, sorted, with every byte of their values.
    static func identifiers(of number: Int64, db: Database) throws -> [String] {
        var identifiers: [String] = []
        try ExactStatement(db, "SELECT kind, value FROM identities WHERE customer_id IN \(mergedInto) ORDER BY kind, value")
            .forEachRow([.integer(number)]) { handle in
                identifiers.append((ExactStatement.text(handle, 0) ?? "") + ":" + (ExactStatement.text(handle, 1) ?? ""))
            }
        return identifiers
    }

    func record(of number: Int64, db: Database) throws -> CustomerRecord {
        let row = try Row.fetchOne(db, sql: "SELECT first_seen, last_seen, traits FROM customers WHERE id = ?", arguments: [number])
        let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE customer_id IN \(Self.mergedInto)", arguments: [number]) ?? 0
        return CustomerRecord(id: CustomerID.text(number), firstSeen: (row?[0] as Int64?).map(Timestamp.iso8601),
                              lastSeen: (row?[1] as Int64?).map(Timestamp.iso8601), events: events, identifiers: try Self.identifiers(of: number, db: db),
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

    /// Erases a customer of this workspace completely: events, feedback, identifiers, alerts about
    /// it (with their attempts) and its positions on maps, the customer rows merged into it, and
    /// the workspace's quarantined records that mention one of its identifiers. Nil when the
    /// workspace has no such customer (another workspace's customer is never touched).
    public func forget(_ number: Int64) throws -> Erasure? {
        var values: [String] = []
        let erased = try database.write { db -> Erasure? in
            guard try owns(number, db: db) else { return nil }
            try ExactStatement(db, "SELECT value FROM identities WHERE customer_id IN \(Self.mergedInto)").forEachRow([.integer(number)]) { handle in
                values.append(ExactStatement.text(handle, 0) ?? "")
            }
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
            _ = try JourneyStore.raiseIdentityGeneration(db, workspace: rowID)
            return Erasure(customer: CustomerID.text(number), events: events, identifiers: identities, feedback: feedback, customers: customers, quarantined: 0)
        }
        guard var erasure = erased else { return nil }
        erasure.quarantined = try scrubQuarantine(values: values)
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return erasure
    }

    /// Removes the workspace's quarantined records whose text holds any of the values; returns how many.
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
