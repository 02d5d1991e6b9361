import CustomerData
import Foundation

/// The look-ups and the erasure of customers, written once against ``StoreTransaction``: the
/// embedded store's ``WorkspaceData`` and the team server's PostgreSQL store run the same
/// statements, so `wayfinder customers` and `wayfinder forget` answer the same on both.
public enum CustomerQuery {
    /// The customer `?1` and every customer merged into it: events and identifiers of a bulk load
    /// still name the customer they arrived with until the load ends.
    static let mergedInto = "(SELECT id FROM customers WHERE id = ?1 OR merged_into = ?1)"

    /// The customer number for a customer id (`cus_42`) or any identifier (`maya@example.com`,
    /// `email:maya@example.com`, a user or anonymous id) of workspace row `workspace`, following
    /// merges; nil when the workspace has no such customer.
    public static func find(_ db: any StoreTransaction, workspace: Int64, _ text: String, phoneCountry: String? = nil) throws -> Int64? {
        if let number = CustomerID.number(text),
           let row = try db.row(sql: "SELECT id, merged_into FROM customers WHERE id = ? AND workspace_id = ?", arguments: [number, workspace]) {
            let merged: Int64? = try row[1]
            return try merged ?? row[0]
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
            if let found = try db.value(Int64.self, sql: """
                SELECT coalesce(c.merged_into, c.id) FROM identities i JOIN customers c ON c.id = i.customer_id
                WHERE i.workspace_id = ? AND i.kind = ? AND i.value = ?
                """, arguments: [workspace, identifier.kind.rawValue, identifier.value]) {
                return found
            }
        }
        return nil
    }

    /// A page of the workspace's customers, most recently seen first, and the total.
    public static func page(_ db: any StoreTransaction, workspace: Int64, limit: Int, offset: Int) throws -> (total: Int, customers: [CustomerRecord]) {
        let total = try db.value(Int.self, sql: "SELECT count(*) FROM customers WHERE workspace_id = ? AND merged_into IS NULL", arguments: [workspace]) ?? 0
        // A customer not seen yet (no event) sorts last on both databases.
        let ids = try db.values(Int64.self, sql: """
            SELECT id FROM customers WHERE workspace_id = ? AND merged_into IS NULL
            ORDER BY CASE WHEN last_seen IS NULL THEN 1 ELSE 0 END, last_seen DESC, id LIMIT ? OFFSET ?
            """, arguments: [workspace, max(0, limit), max(0, offset)])
        return (total, try ids.map { try record(db, of: $0) })
    }

    /// One customer of the workspace with identifiers and traits; nil when the workspace has no such customer.
    public static func customer(_ db: any StoreTransaction, workspace: Int64, _ number: Int64) throws -> CustomerRecord? {
        guard try owns(db, workspace: workspace, number) else { return nil }
        return try record(db, of: number)
    }

    /// A customer's events in time order (then arrival order); empty for a customer of another workspace.
    public static func timeline(_ db: any StoreTransaction, workspace: Int64, of number: Int64, limit: Int) throws -> [TimelineEntry] {
        try db.rows(sql: """
            SELECT timestamp, type, name, channel, message, message_id FROM events
            WHERE workspace_id = ?2 AND customer_id IN \(mergedInto) ORDER BY timestamp, id LIMIT ?3
            """, arguments: [number, workspace, Int64(max(0, limit))]).map { row in
            let timestamp: Int64 = try row[0]
            let type: String = try row[1]
            let name: String? = try row[2]
            let payload = (try? JSONParser.parse(row[4] as String)) ?? .object([])
            let event = Event(type: Event.Kind(rawValue: type) ?? .track, name: name, messageId: try row[5], timestamp: timestamp, payload: payload)
            return TimelineEntry(timestamp: Timestamp.iso8601(timestamp), type: type, name: name, channel: try row[3], message: event.json.json)
        }
    }

    /// What the workspace's customer data holds.
    public static func counts(_ db: any StoreTransaction, workspace: Int64) throws -> WorkspaceData.Counts {
        let arguments: SQLArguments = [workspace]
        return WorkspaceData.Counts(
            events: try db.value(Int.self, sql: "SELECT count(*) FROM events WHERE workspace_id = ?", arguments: arguments) ?? 0,
            customers: try db.value(Int.self, sql: "SELECT count(*) FROM customers WHERE workspace_id = ? AND merged_into IS NULL", arguments: arguments) ?? 0,
            identifiers: try db.value(Int.self, sql: "SELECT count(*) FROM identities WHERE workspace_id = ?", arguments: arguments) ?? 0,
            feedback: try db.value(Int.self, sql: "SELECT count(*) FROM feedback WHERE workspace_id = ?", arguments: arguments) ?? 0)
    }

    /// How many events, and survey answers of events, the workspace holds with sequence numbers up to `lastEvent`.
    public static func rowCounts(_ db: any StoreTransaction, workspace: Int64, through lastEvent: Int64) throws -> (events: Int, feedback: Int) {
        let arguments: SQLArguments = [workspace, lastEvent]
        return (try db.value(Int.self, sql: "SELECT count(*) FROM events WHERE workspace_id = ? AND id <= ?", arguments: arguments) ?? 0,
                try db.value(Int.self, sql: "SELECT count(*) FROM feedback WHERE workspace_id = ? AND event_id <= ?", arguments: arguments) ?? 0)
    }

    /// The workspace's row and creation time, which a store made again does not share.
    public static func storeIdentity(_ db: any StoreTransaction, workspace: Int64) throws -> String {
        "\(workspace):\(try db.value(Int64.self, sql: "SELECT created_at FROM workspaces WHERE id = ?", arguments: [workspace]) ?? 0)"
    }

    /// Whether customer `number` is one of the workspace's.
    static func owns(_ db: any StoreTransaction, workspace: Int64, _ number: Int64) throws -> Bool {
        try db.value(Int64.self, sql: "SELECT 1 FROM customers WHERE id = ? AND workspace_id = ?", arguments: [number, workspace]) != nil
    }

    /// A customer's identifiers as `kind:value`, sorted, with every byte of their values.
    static func identifiers(_ db: any StoreTransaction, of number: Int64) throws -> [String] {
        try db.rows(sql: "SELECT kind, value FROM identities WHERE customer_id IN \(mergedInto) ORDER BY kind, value", arguments: [number])
            .map { (try $0[0] as String) + ":" + (try $0[1] as String) }
    }

    static func record(_ db: any StoreTransaction, of number: Int64) throws -> CustomerRecord {
        let row = try db.row(sql: "SELECT first_seen, last_seen, traits FROM customers WHERE id = ?", arguments: [number])
        let events = try db.value(Int.self, sql: "SELECT count(*) FROM events WHERE customer_id IN \(mergedInto)", arguments: [number]) ?? 0
        return CustomerRecord(id: CustomerID.text(number), firstSeen: (try row?[0] as Int64?).map(Timestamp.iso8601),
                              lastSeen: (try row?[1] as Int64?).map(Timestamp.iso8601), events: events, identifiers: try identifiers(db, of: number),
                              traits: try row?[2] ?? "{}")
    }

    /// Erases a customer of the workspace inside the caller's write transaction: events, feedback,
    /// identifiers, alerts about it and its positions on maps, and the customer rows merged into
    /// it; returns what went, with the identifier values (to scrub a quarantine with), or nil when
    /// the workspace has no such customer (another workspace's customer is never touched).
    public static func erase(_ db: any StoreTransaction, workspace: Int64, _ number: Int64) throws -> (CustomerErasure, [String])? {
        // Writers of customer data take this row's lock first; so does an erasure, so that the two
        // never wait for each other in opposite orders.
        try db.execute(sql: "UPDATE identity_generation SET value = value WHERE id = 1")
        guard try owns(db, workspace: workspace, number) else { return nil }
        let values = try db.values(String.self, sql: "SELECT value FROM identities WHERE customer_id IN \(mergedInto)", arguments: [number])
        let feedback = try db.execute(sql: "DELETE FROM feedback WHERE customer_id IN \(mergedInto)", arguments: [number])
        let events = try db.execute(sql: "DELETE FROM events WHERE customer_id IN \(mergedInto)", arguments: [number])
        let identities = try db.execute(sql: "DELETE FROM identities WHERE customer_id IN \(mergedInto)", arguments: [number])
        // Alerts about the customer hold its identifiers in their bodies: they go too, sent or not.
        try db.execute(sql: "DELETE FROM alert_deliveries WHERE customer_id IN \(mergedInto)", arguments: [number])
        try db.execute(sql: "DELETE FROM alert_positions WHERE customer_id IN \(mergedInto)", arguments: [number])
        // The highest number ever given is kept, so a forgotten customer's number is never given again.
        let highest = try db.value(Int64.self, sql: "SELECT coalesce(max(id), 0) FROM customers") ?? 0
        try db.execute(sql: "UPDATE identity_generation SET last_customer = CASE WHEN last_customer > ? THEN last_customer ELSE ? END WHERE id = 1",
                       arguments: [highest, highest])
        let customers = try db.execute(sql: "DELETE FROM customers WHERE id = ? OR merged_into = ?", arguments: [number, number])
        try db.execute(sql: "UPDATE workspaces SET identity_generation = identity_generation + 1 WHERE id = ?", arguments: [workspace])
        return (CustomerErasure(customer: CustomerID.text(number), events: events, identifiers: identities, feedback: feedback, customers: customers,
                                quarantined: 0), values)
    }
}

/// The customers of one workspace as `wayfinder customers` and `wayfinder forget` use them,
/// whichever store holds them.
public protocol CustomerDirectory {
    /// The workspace's id.
    var workspace: String { get }
    /// The customer number of a customer id or identifier, following merges; nil when there is none.
    func findCustomer(_ text: String, phoneCountry: String?) throws -> Int64?
    /// A page of the customers, most recently seen first, and the total.
    func customers(limit: Int, offset: Int) throws -> (total: Int, customers: [CustomerRecord])
    /// One customer with identifiers and traits; nil when the workspace has no such customer.
    func customer(_ number: Int64) throws -> CustomerRecord?
    /// A customer's events in time order (then arrival order).
    func timeline(of number: Int64, limit: Int) throws -> [TimelineEntry]
    /// Erases a customer completely; nil when the workspace has no such customer.
    func forget(_ number: Int64) throws -> CustomerErasure?
}

extension WorkspaceData: CustomerDirectory {}
