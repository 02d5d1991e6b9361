import Foundation
import GRDB
import JourneyStore
import Testing
import WayfinderTesting

/// A column that holds a value of another type than the store wrote (only a database changed by
/// hand holds one) is an error that names the column, never a zero read in its place.
@Suite("Stored values of another type")
struct StoredTypeTests {
    @Test("a workspace whose creation time was set to text by hand is an error naming created_at, not a workspace created in 1970")
    func mismatchedColumnIsNamed() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try await store.createWorkspace(id: "retail", name: "Retail")
        #expect(try await store.workspaces().map(\.id) == ["retail"])
        try await store.database.write { db in try db.execute(sql: "UPDATE workspaces SET created_at = 'yesterday'") }
        do {
            let listed = try await store.workspaces()
            Issue.record("listed \(listed) from a creation time held as text")
        } catch {
            #expect(error.message.contains("column 'created_at' holds text where Int64 was expected"), "\(error.message)")
        }
        // The first column of a query read as a number holds a number.
        try await store.database.write { db in try db.execute(sql: "UPDATE workspaces SET created_at = 1") }
        #expect(try await store.workspaces().count == 1)
    }
}
