import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyModel
import JourneyStore
import Testing
@testable import WayfinderServer

/// `POST …/personas` creates and never replaces: the check that the id is free is part of the
/// write, so a persona that exists, or one created by a request running at the same time, is
/// answered 409 and left as it is.
@Suite("Persona creation")
struct PersonaCreationTests {
    @Test("POST of an existing persona id answers 409 and leaves the stored persona unchanged")
    func existing() async throws {
        let harness = try await APIHarness()
        let before = try await harness.store.persona(workspace: "shop", id: harness.personaID)
        try await harness.test { client in
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/personas", json(["id": harness.personaID, "name": "Replaced"]),
                                               as: .key(harness.base.readWrite))
            #expect(answer.status == 409, "\(answer)")
            #expect(answer.errorCode == "conflict")
        }
        #expect(try await harness.store.persona(workspace: "shop", id: harness.personaID).persona == before.persona)
    }

    @Test("of many POSTs of one new id at the same time, one creates it and every other answers 409")
    func concurrent() async throws {
        let harness = try await APIHarness()
        let attempts = 24
        let statuses = try await harness.test { client in
            try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<attempts {
                    group.addTask {
                        let answer = try await client.call(.post, "/api/v1/workspaces/shop/personas", json(["id": "racer", "name": "Racer \(index)"]),
                                                           as: .key(harness.base.readWrite))
                        return (index, answer.status)
                    }
                }
                var statuses: [Int: Int] = [:]
                for try await (index, status) in group { statuses[index] = status }
                return statuses
            }
        }
        let created = statuses.filter { $0.value == 201 }.map(\.key)
        #expect(created.count == 1, "created by \(created.count) requests: \(statuses.values.sorted())")
        #expect(statuses.values.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses.values.sorted())")
        let stored = try await harness.store.persona(workspace: "shop", id: "racer")
        if let winner = created.first { #expect(stored.persona.name == "Racer \(winner)", "the persona is the one the 201 answered") }
    }
}

/// A persona or map document that is not JSON is told so, with where it breaks, rather than
/// that it lacks an id.
@Suite("Document bodies")
struct DocumentBodyTests {
    @Test("POST of a persona or map whose body is not JSON answers invalid_json with the byte", arguments: ["personas", "maps"])
    func notJSON(_ collection: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/\(collection)", #"{"id": "new-one", "name": "New"#, as: .key(harness.base.readWrite))
            #expect(answer.status == 400)
            #expect(answer.errorCode == "invalid_json", "\(answer)")
            #expect(answer.errorMessage?.contains("at byte") == true)
            let missing = try await client.call(.post, "/api/v1/workspaces/shop/\(collection)", json(["name": "New"]), as: .key(harness.base.readWrite))
            #expect(missing.status == 400 && missing.problems.first?["field"] as? String == "id", "\(missing)")
        }
    }
}
