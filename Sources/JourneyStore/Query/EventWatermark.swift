import GRDB

extension JourneyStore {
    /// The number of stored events: what an analysis cache compares to know that events arrived
    /// (or were forgotten) since it built an index.
    public func eventCount() async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
    }
}
