import Foundation
import Testing
import WayfinderTesting

/// The store's workspaces on the command line: `--workspace-id` names one; without it the
/// store's only workspace is taken, and a store with several asks which.
@Suite("wayfinder commands and the store's workspaces")
struct WorkspaceCommandTests {
    static let events = """
        timestamp,type,event,messageId,anonymousId,userId,email
        2026-01-05T10:00:00Z,track,Viewed,1,a1,,
        2026-01-05T10:01:00Z,identify,,2,a1,u1,maya@example.com
        2026-01-06T10:00:00Z,track,Viewed,3,a2,,

        """

    @Test("imports into two workspaces keep the same person apart; commands ask which workspace; forget in one leaves the other")
    func twoWorkspaces() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.events, to: "events.csv")
        // A workspace that does not exist is refused unless asked for, and nothing is stored.
        let missing = try await wayfinder("import", "events.csv", "--db", "w.db", "--workspace-id", "alpha", in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("no workspace 'alpha'") && missing.stderr.contains("--create-workspace"), "\(missing)")
        for workspace in ["alpha", "beta"] {
            let imported = try await wayfinder("import", "events.csv", "--db", "w.db", "--workspace-id", workspace, "--create-workspace", in: directory)
            #expect(imported.status == 0 && imported.stdout.contains("Imported 3 events"), "\(imported)")
            #expect(imported.stdout.contains("Workspace '\(workspace)' of w.db holds 3 events of 2 customers"), "\(imported)")
        }
        // Several workspaces: a command without --workspace-id names them and what to type.
        let ambiguous = try await wayfinder("customers", "--db", "w.db", in: directory)
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("several workspaces (alpha, beta)") && ambiguous.stderr.contains("--workspace-id"),
                "\(ambiguous)")
        let bad = try await wayfinder("customers", "--db", "w.db", "--workspace-id", "Not An Id", in: directory)
        #expect(bad.status == 2, "\(bad)")

        func maya(_ workspace: String) async throws -> [String: Any]? {
            let shown = try await wayfinder("customers", "maya@example.com", "--db", "w.db", "--workspace-id", workspace, "--format", "json", in: directory)
            guard shown.status == 0 else { return nil }
            return try jsonObject(shown.stdout)["customer"] as? [String: Any]
        }
        let alphaMaya = try #require(try await maya("alpha"))
        let betaMaya = try #require(try await maya("beta"))
        #expect(alphaMaya["id"] as? String != betaMaya["id"] as? String, "the same e-mail is two customers")
        // A customer id of one workspace is unknown in the other.
        let crossed = try await wayfinder("forget", try #require(betaMaya["id"] as? String), "--db", "w.db", "--workspace-id", "alpha", in: directory)
        #expect(crossed.status == 1 && crossed.stderr.contains("no customer of workspace 'alpha'"), "\(crossed)")
        let forgotten = try await wayfinder("forget", "maya@example.com", "--db", "w.db", "--workspace-id", "alpha", "--format", "json", in: directory)
        #expect(forgotten.status == 0, "\(forgotten)")
        #expect(try jsonObject(forgotten.stdout)["events"] as? Int == 2, "\(forgotten)")
        #expect(try await maya("alpha") == nil)
        let after = try #require(try await maya("beta"))
        #expect(after["id"] as? String == betaMaya["id"] as? String && after["events"] as? Int == 2)
    }

    @Test("keys of a store without workspaces belong to 'default', where a plain import goes too")
    func defaultWorkspace() async throws {
        let directory = try TemporaryDirectory()
        try directory.write(Self.events, to: "events.csv")
        let key = try await wayfinder("keys", "create", "--db", "w.db", "--kind", "write", "--format", "json", in: directory)
        let made = try jsonObject(key.stdout)
        #expect(key.status == 0 && made["workspace"] as? String == "default", "\(key)")
        let imported = try await wayfinder("import", "events.csv", "--db", "w.db", in: directory)
        #expect(imported.stdout.contains("Workspace 'default' of w.db holds 3 events"), "\(imported)")
        let listed = try await wayfinder("customers", "--db", "w.db", "--format", "json", in: directory)
        let page = try jsonObject(listed.stdout)
        #expect(page["total"] as? Int == 2, "\(listed)")
    }
}
