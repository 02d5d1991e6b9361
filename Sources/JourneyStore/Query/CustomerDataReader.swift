/// What the analytics index reads of one workspace's customer data, whichever backend holds it:
/// the embedded store (``WorkspaceData``) or a ClickHouse cluster. Rows arrive as numbers and raw
/// bytes valid only during the call that receives them, so a backend streams them without
/// building strings or dictionaries per event.
///
/// The in-process engine reads through this protocol only, so it gives the same answer on every
/// backend that returns the same rows; a backend that can also compute analyses itself is tested
/// against it.
public protocol CustomerDataReader: Sendable {
    /// The lowest and highest event sequence numbers of the workspace (their arrival order), or
    /// nil when it holds no events.
    func eventIDRange() throws -> ClosedRange<Int64>?

    /// Calls `body` for every event whose sequence number is in `ids`, in sequence order.
    /// Several scans over disjoint ranges may run at once on different threads.
    func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws

    /// Which stitched customer every customer number of the workspace belongs to.
    func customerLinks() throws -> CustomerLinks

    /// Calls `body` with the traits JSON of every stitched customer, in customer number order.
    func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws

    /// Calls `body` for every survey answer, in arrival order.
    func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws

    /// Calls `body` with the traits JSON of those of `customers` (ascending numbers) that are
    /// stitched customers, in customer number order: what an index brought up to date reads of
    /// the customers that events arrived for since (traits change only with a customer's events).
    func scanTraits(of customers: [Int64], _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws

    /// Calls `body` for every survey answer whose event's sequence number is in `ids`, in arrival order.
    func scanFeedback(ids: ClosedRange<Int64>, _ body: (borrowing RawFeedbackRow) throws -> Void) throws

    /// How many events, and survey answers of events, have sequence numbers up to `lastEvent`.
    func rowCounts(through lastEvent: Int64) throws -> (events: Int, feedback: Int)

    /// What tells this workspace of this store apart from one of the same id in a store made
    /// again (its row and creation time); nil when the backend cannot say.
    func storeIdentity() throws -> String?

    /// Calls `body` for every event that arrived with one of `customers` (ascending numbers)
    /// and has a sequence number up to `lastEvent`, in no particular order.
    func scanEvents(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawEventRow) throws -> Void) throws

    /// Calls `body` for every survey answer of one of `customers` (ascending numbers) whose
    /// event's sequence number is up to `lastEvent`, in no particular order.
    func scanFeedback(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawFeedbackRow) throws -> Void) throws
}

extension CustomerDataReader {
    /// Reads every stitched customer's traits and keeps those asked for: for a backend without a
    /// look-up by number.
    public func scanTraits(of customers: [Int64], _ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var next = 0
        try scanTraits { id, traits in
            while next < customers.count, customers[next] < id { next += 1 }
            if next < customers.count, customers[next] == id { try body(id, traits) }
        }
    }

    /// None: a backend that cannot tell.
    public func storeIdentity() throws -> String? { nil }

    /// Counts by reading every row: for a backend without a count.
    public func rowCounts(through lastEvent: Int64) throws -> (events: Int, feedback: Int) {
        var counts = (events: 0, feedback: 0)
        if let ids = try eventIDRange(), ids.lowerBound <= lastEvent {
            try scanEvents(ids: ids.lowerBound...min(ids.upperBound, lastEvent)) { _ in counts.events += 1 }
        }
        try scanFeedback(ids: .min...lastEvent) { _ in counts.feedback += 1 }
        return counts
    }

    /// Reads every event up to `lastEvent` and keeps those of `customers`: for a backend without a look-up by customer.
    public func scanEvents(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawEventRow) throws -> Void) throws {
        let wanted = Set(customers)
        guard !wanted.isEmpty, let ids = try eventIDRange(), ids.lowerBound <= lastEvent else { return }
        try scanEvents(ids: ids.lowerBound...min(ids.upperBound, lastEvent)) { row in
            if wanted.contains(row.customer) { try body(row) }
        }
    }

    /// Reads every survey answer up to `lastEvent` and keeps those of `customers`: for a backend without a look-up by customer.
    public func scanFeedback(customers: [Int64], through lastEvent: Int64, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        let wanted = Set(customers)
        guard !wanted.isEmpty else { return }
        try scanFeedback(ids: .min...lastEvent) { row in
            if wanted.contains(row.customer) { try body(row) }
        }
    }

    /// Reads every survey answer and keeps those of `ids`: for a backend without a range read.
    public func scanFeedback(ids: ClosedRange<Int64>, _ body: (borrowing RawFeedbackRow) throws -> Void) throws {
        try scanFeedback { row in
            if ids.contains(row.sequence) { try body(row) }
        }
    }
}

extension WorkspaceData: CustomerDataReader {}
