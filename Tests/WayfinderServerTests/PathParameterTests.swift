import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import WayfinderServer

/// Path parameters are percent-decoded before use, a bad encoding is a 400 naming the
/// parameter, and a list under a workspace that does not exist is a 404, not an empty list.
@Suite("Path parameters")
struct PathParameterTests {
    @Test("percent-encoded path parameters name the same workspace, map and persona", arguments: [
        "/api/v1/workspaces/sh%6Fp",
        "/api/v1/workspaces/%73%68%6f%70/maps",
        "/api/v1/workspaces/shop/maps/first%2Dpurchase",
        "/api/v1/workspaces/shop/maps/first%2dpurchase/versions/%31",
        "/api/v1/workspaces/sh%6Fp/personas/PERSONA",
        "/api/v1/workspaces/sh%6Fp/uploads",
    ])
    func decoded(_ template: String) async throws {
        let harness = try await APIHarness()
        #expect(harness.mapID == "first-purchase")
        let path = template.replacingOccurrences(of: "PERSONA", with: harness.personaID.utf8.map { String(format: "%%%02X", $0) }.joined())
        try await harness.test { client in
            let answer = try await client.call(.get, path, as: .key(harness.base.read))
            #expect(answer.status == 200, "\(path): \(answer)")
        }
    }

    @Test("a path parameter with invalid percent-encoding or a control character is a 400 naming it", arguments: [
        ("/api/v1/workspaces/sh%zzp", "workspace"),
        ("/api/v1/workspaces/shop%/maps", "workspace"),
        ("/api/v1/workspaces/shop/maps/first%2", "map"),
        ("/api/v1/workspaces/shop/maps/%FF%FE", "map"),
        ("/api/v1/workspaces/shop/personas/a%00b", "persona"),
        ("/api/v1/workspaces/shop/maps/first-purchase/versions/1%0A", "version"),
    ])
    func invalid(_ path: String, _ parameter: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let answer = try await client.call(.get, path, as: .key(harness.base.read))
            #expect(answer.status == 400, "\(path): \(answer)")
            #expect(answer.errorMessage?.hasPrefix("{\(parameter)}") == true, "\(path): \(answer)")
            #expect(answer.problems.first?["field"] as? String == parameter)
        }
    }

    @Test("every list of a workspace that does not exist answers 404, also for a server admin", arguments: [
        "/api/v1/workspaces/nowhere/personas",
        "/api/v1/workspaces/nowhere/maps",
        "/api/v1/workspaces/nowhere/members",
        "/api/v1/workspaces/nowhere/uploads",
        "/api/v1/workspaces/nowhere/uploads/upl_0123456789abcdef0123",
        "/api/v1/workspaces/nowhere/alerts",
        "/api/v1/workspaces/nowhere/export",
        "/api/v1/workspaces/nowhere/maps/first-purchase/versions",
        "/api/v1/workspaces/nowhere/maps/first-purchase/comments",
        "/api/v1/workspaces/nowhere/maps/first-purchase/shares",
    ])
    func missingWorkspace(_ path: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            let answer = try await client.call(.get, path, as: admin)
            #expect(answer.status == 404, "\(path): \(answer)")
            #expect(answer.errorMessage?.contains("nowhere") == true, "\(path): \(answer)")
        }
    }
}
