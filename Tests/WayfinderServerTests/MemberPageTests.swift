import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import Testing
@testable import WayfinderServer

/// The people page: a workspace's admins invite colleagues by email (a server admin's
/// invitation makes the account, with a one-time password shown once), change roles and remove
/// members, never leaving the workspace without an admin; nobody else manages people.
@Suite("People page")
struct MemberPageTests {
    static func role(_ harness: APIHarness, _ email: String) async throws -> Role? {
        try await harness.store.members(workspace: "shop").first { $0.email == email }?.role
    }

    @Test("a server admin invites someone new: the account is made with a one-time password, shown once, that signs in and must be changed")
    func inviteNew() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let (cookie, csrf) = try await EditorPageTests.session(client, "admin@localhost")
            let page = try await client.call(.get, "/w/shop/members", as: .session(cookie: String(cookie.split(separator: "=")[1]), csrf: nil))
            #expect(page.status == 200 && page.text.contains("editor@example.com") && page.text.contains("Invite a colleague"), "\(page.status)")
            let answer = try await PageRouteTests.post(client, "/w/shop/members", ["csrf": csrf, "email": "sam.rivera@example.com", "name": "Sam Rivera", "role": "editor"],
                                                       cookie: cookie)
            #expect(answer.status == 200, "\(answer.status)")
            let match = try #require(answer.text.firstMatch(of: /<code class="secret">([^<]+)<\/code>/))
            let password = String(match.1)
            #expect(password.count == 24 && answer.text.contains("Sam Rivera is an editor of"))
            let account = try #require(try await harness.store.userForSignIn(email: "sam.rivera@example.com")?.0)
            #expect(account.name == "Sam Rivera" && account.mustChangePassword && !account.isAdmin)
            #expect(try await Self.role(harness, "sam.rivera@example.com") == .editor)
            _ = try await client.signIn("sam.rivera@example.com", password)
            // The list shows them, and the password is not shown again.
            let again = try await client.call(.get, "/w/shop/members", as: .session(cookie: String(cookie.split(separator: "=")[1]), csrf: nil))
            #expect(again.text.contains("Sam Rivera") && !again.text.contains(password))
            let twice = try await PageRouteTests.post(client, "/w/shop/members", ["csrf": csrf, "email": "sam.rivera@example.com", "name": "", "role": "viewer"], cookie: cookie)
            #expect(twice.status == 409 && twice.text.contains("already an editor"))
            #expect(try await Self.role(harness, "sam.rivera@example.com") == .editor)
        }
    }

    @Test("a workspace admin adds an existing account, cannot make accounts, and changes and removes members, but not the last admin")
    func workspaceAdmin() async throws {
        let harness = try await APIHarness()
        let lead = try await harness.store.createUser(email: "lead@example.com", name: "Lead", passwordHash: await Passwords.hash(APIHarness.password, cost: 10))
        _ = try await harness.store.setMembership(workspace: "shop", user: lead.id, role: .admin)
        let viewer = try #require(try await harness.store.userForSignIn(email: "viewer@example.com")?.0)
        try await harness.test { client in
            let (cookie, csrf) = try await EditorPageTests.session(client, "lead@example.com")
            let added = try await PageRouteTests.post(client, "/w/shop/members", ["csrf": csrf, "email": "outsider@example.com", "name": "", "role": "viewer"], cookie: cookie)
            #expect(added.status == 200 && added.text.contains("had an account already") && !added.text.contains("class=\"secret\""))
            #expect(try await Self.role(harness, "outsider@example.com") == .viewer)

            let unknown = try await PageRouteTests.post(client, "/w/shop/members", ["csrf": csrf, "email": "nobody@example.com", "name": "", "role": "viewer"], cookie: cookie)
            #expect(unknown.status == 422 && unknown.text.contains("ask a server admin"))
            #expect(try await harness.store.userForSignIn(email: "nobody@example.com") == nil)

            let promoted = try await PageRouteTests.post(client, "/w/shop/members/\(viewer.id)", ["csrf": csrf, "action": "role", "role": "editor"], cookie: cookie)
            #expect(promoted.status == 303 && promoted.headers[.location] == "/w/shop/members")
            #expect(try await Self.role(harness, "viewer@example.com") == .editor)
            let removed = try await PageRouteTests.post(client, "/w/shop/members/\(viewer.id)", ["csrf": csrf, "action": "remove"], cookie: cookie)
            #expect(removed.status == 303)
            #expect(try await Self.role(harness, "viewer@example.com") == nil)

            let alone = try await PageRouteTests.post(client, "/w/shop/members/\(lead.id)", ["csrf": csrf, "action": "role", "role": "viewer"], cookie: cookie)
            #expect(alone.status == 409 && alone.text.contains("only admin"))
            let leave = try await PageRouteTests.post(client, "/w/shop/members/\(lead.id)", ["csrf": csrf, "action": "remove"], cookie: cookie)
            #expect(leave.status == 409)
            #expect(try await Self.role(harness, "lead@example.com") == .admin)
            // Through the API too, with the same session.
            let session = try await client.signIn("lead@example.com")
            let api = try await client.call(.put, "/api/v1/workspaces/shop/members/\(lead.id)", json(["role": "editor"]), as: session)
            #expect(api.status == 409 && api.errorMessage?.contains("only admin") == true, "\(api)")
            #expect(try await client.call(.delete, "/api/v1/workspaces/shop/members/\(lead.id)", as: session).status == 409)
            #expect(try await Self.role(harness, "lead@example.com") == .admin)
        }
    }

    @Test("two admins demoting each other at once leave one admin, whichever wins")
    func demotingEachOther() async throws {
        let harness = try await APIHarness()
        let store = harness.store
        var admins: [Int64] = []
        for email in ["one@example.com", "two@example.com"] {
            let user = try await store.createUser(email: email, passwordHash: "x")
            _ = try await store.setMembership(workspace: "shop", user: user.id, role: .admin)
            admins.append(user.id)
        }
        let pair = admins
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for user in pair { group.addTask { (try? await store.setMembership(workspace: "shop", user: user, role: .viewer)) != nil } }
            var all: [Bool] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.filter { $0 }.count == 1, "\(outcomes)")
        #expect(try await store.members(workspace: "shop").filter { $0.role == .admin }.count == 1)
    }

    @Test("forged, malformed and hostile forms are refused with what is expected, and change nothing",
          arguments: [
              (["email": "x@example.com", "role": "viewer"], "token", 403, "token"),
              (["email": "x@example.com", "role": "owner"], "", 400, "Choose a role"),
              (["email": "", "role": "viewer"], "", 400, "Give the email address"),
              (["email": "not an address", "role": "viewer"], "", 400, "give an address such as"),
              (["email": String(repeating: "a", count: 300) + "@example.com", "role": "viewer"], "", 400, "at most 254"),
              (["email": "nul\u{0}@example.com", "role": "viewer"], "", 400, "give an address such as"),
          ] as [([String: String], String, Int, String)])
    func hostile(fields: [String: String], forged: String, status: Int, expected: String) async throws {
        let harness = try await APIHarness()
        let before = try await harness.store.users().count
        try await harness.test { client in
            let (cookie, csrf) = try await EditorPageTests.session(client, "admin@localhost")
            var form = fields
            form["csrf"] = forged.isEmpty ? csrf : forged
            let answer = try await PageRouteTests.post(client, "/w/shop/members", form, cookie: cookie)
            #expect(answer.status == status && answer.text.contains(expected), "\(answer.status): \(answer.text.prefix(400))")
        }
        #expect(try await harness.store.users().count == before)
    }

    @Test("editors and viewers cannot see or use the people page; a member change with a bad action or user is refused")
    func notAdmins() async throws {
        let harness = try await APIHarness()
        let viewer = try #require(try await harness.store.userForSignIn(email: "viewer@example.com")?.0)
        try await harness.test { client in
            let (cookie, csrf) = try await EditorPageTests.session(client, "editor@example.com")
            let page = try await client.call(.get, "/w/shop/members", as: .session(cookie: String(cookie.split(separator: "=")[1]), csrf: nil))
            #expect(page.status == 403 && !page.text.contains("viewer@example.com"))
            let promote = try await PageRouteTests.post(client, "/w/shop/members/\(viewer.id)", ["csrf": csrf, "action": "role", "role": "admin"], cookie: cookie)
            #expect(promote.status == 403)
            #expect(try await Self.role(harness, "viewer@example.com") == .viewer)

            let (admin, adminCSRF) = try await EditorPageTests.session(client, "admin@localhost")
            let odd = try await PageRouteTests.post(client, "/w/shop/members/\(viewer.id)", ["csrf": adminCSRF, "action": "promote"], cookie: admin)
            #expect(odd.status == 400 && odd.text.contains("changes a role or removes a member"))
            let notMember = try await PageRouteTests.post(client, "/w/shop/members/999999", ["csrf": adminCSRF, "action": "remove"], cookie: admin)
            #expect(notMember.status == 404)
            let notNumber = try await PageRouteTests.post(client, "/w/shop/members/abc", ["csrf": adminCSRF, "action": "remove"], cookie: admin)
            #expect(notNumber.status == 400)
            #expect(try await Self.role(harness, "viewer@example.com") == .viewer)
        }
    }
}
