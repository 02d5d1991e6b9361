import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// A throwaway store in its own temporary folder, with a small workspace to work in.
struct WorkspaceFixture {
    let directory: TemporaryDirectory
    let store: JourneyStore

    init() throws {
        directory = try TemporaryDirectory()
        store = try JourneyStore(path: directory.path("store.db"))
    }

    /// A fixture with workspace `shop` holding the persona `maya`.
    static func shop() async throws -> WorkspaceFixture {
        let fixture = try WorkspaceFixture()
        _ = try await fixture.store.createWorkspace(id: "shop", name: "Shop", description: "A test shop")
        _ = try await fixture.store.savePersona(workspace: "shop", id: "maya", persona: persona)
        return fixture
    }

    static let persona = Persona(id: "maya", name: "Maya, first-time runner", quote: "Shoes that fit.", goals: ["Find shoes that fit"], channels: ["web"])

    /// A two-stage checkout map with cards in built-in lanes and one free lane.
    static func map(id: String = "checkout", title: String = "Checkout") -> JourneyMap {
        JourneyMap(
            id: id, title: title, personas: ["maya"], goal: "pay",
            stages: [Stage(id: "browse", name: "Browse"), Stage(id: "buy", name: "Buy")],
            touchpoints: [
                Touchpoint(id: "product-page", name: "Views a product", stage: "browse", channel: "web",
                           actions: [Card("Reads reviews"), Card("Picks a size")], emotion: 1,
                           painPoints: [PainPoint("Sizes unclear", severity: .high)]),
                Touchpoint(id: "pay", name: "Pays", stage: "buy", channel: "web", thoughts: [Card("Is it safe?")], emotion: -1),
            ],
            lanes: [FreeLane(id: "backstage", name: "Backstage", cards: [(touchpoint: "pay", card: Card("Payments team"))])])
    }

    /// The number of rows of each workspace table.
    func rowCounts() throws -> [String: Int] {
        try store.database.read { db in
            var counts: [String: Int] = [:]
            for table in ["workspaces", "personas", "journey_maps", "journey_map_versions", "comments"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }
}

/// The store error an operation threw, or a recorded issue when it did not throw one.
func storeError<T>(_ operation: () async throws -> T, sourceLocation: Testing.SourceLocation = #_sourceLocation) async -> WorkspaceStoreError? {
    do {
        _ = try await operation()
        Issue.record("expected a WorkspaceStoreError, but the operation succeeded", sourceLocation: sourceLocation)
    } catch let error as WorkspaceStoreError {
        return error
    } catch {
        Issue.record("expected a WorkspaceStoreError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
