import Foundation
import JourneyModel
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// The workspace store's contract: the same calls on the embedded SQLite store and on the team
/// server's PostgreSQL store give the same answers (times, secrets and tokens aside), and the
/// PostgreSQL store stays correct with several processes writing at once.
@Suite("Workspace store on SQLite and PostgreSQL", .serialized)
struct WorkspaceStoreContractTests {
    @Test("every workspace store call answers the same on SQLite and PostgreSQL")
    func sameAnswers() async throws {
        guard let base = BackendURLs.postgres else { return }
        let directory = try TemporaryDirectory()
        let sqlite = try JourneyStore(path: directory.path("store.db"))
        let expected = try await Self.transcript(sqlite)
        let actual = try await PostgresTestStore.with(base) { try await Self.transcript($0.store) }

        // The script reaches every part of the store, refusals included.
        for anchor in ["version-conflict", "already-exists", "in-use", "not-found", "restoredFrom: Optional(1)", "resolved: Optional", "photo image/png 67", "deleted workspace", "move card comments: 1", "make admin: true", "workspaces in order: [\"a-c\", \"ab\", \"team\"]", "rule off: false", "rule on: true", "remove rule again: error not-found"] {
            #expect(expected.contains { $0.contains(anchor) }, "the script no longer reaches '\(anchor)'")
        }
        #expect(expected.count > 60)
        #expect(actual.count == expected.count)
        for (index, (want, got)) in zip(expected, actual).enumerated() where want != got {
            Issue.record("step \(index): SQLite answered\n\(want)\nPostgreSQL answered\n\(got)")
        }
    }

    @Test("two processes saving one map from the same version: one new version, one version conflict")
    func concurrentSaves() async throws {
        guard let base = BackendURLs.postgres else { return }
        try await PostgresTestStore.with(base) { first in
        let second = try await PostgresWorkspaceStore.open(first.url)
        defer { second.close() }
        let template = WorkspaceTemplate.retail.workspace
        _ = try await first.store.importWorkspace("team", workspace: template, author: "ana", createIfMissing: true)
        let map = try #require(template.journeys.first)
        for round in 1...5 {
            let current = try await first.store.map(workspace: "team", id: map.id).currentVersion
            let stores: [PostgresWorkspaceStore] = [first.store, second]
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    var edited = map
                    edited.title = "Round \(round) by \(index)"
                    group.addTask {
                        do {
                            return "saved \(try await store.saveMap(workspace: "team", id: map.id, map: edited, author: "p\(index)", baseVersion: current).version.number)"
                        } catch { return "refused \((error as? WorkspaceStoreError)?.code.description ?? "\(error)")" }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            #expect(outcomes == ["refused version-conflict", "saved \(current + 1)"], "round \(round)")
        }
        // Without a base version every save lands, each as the next version, none lost or repeated.
        let before = try await first.store.map(workspace: "team", id: map.id).currentVersion
        let numbers = await withTaskGroup(of: Int?.self) { group in
            for index in 0..<12 {
                let store = index.isMultiple(of: 2) ? first.store : second
                var edited = map
                edited.title = "Edit \(index)"
                group.addTask { try? await store.saveMap(workspace: "team", id: map.id, map: edited, author: "p\(index)").version.number }
            }
            return await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(numbers.compactMap { $0 }.sorted() == Array((before + 1)...(before + 12)))
        let versions = try await second.mapVersions(workspace: "team", id: map.id).map(\.number)
        #expect(versions == Array(1...(before + 12)))
        }
    }

    @Test("two processes adding one email or one workspace at once: one account, one refusal")
    func concurrentCreates() async throws {
        guard let base = BackendURLs.postgres else { return }
        try await PostgresTestStore.with(base) { first in
        let second = try await PostgresWorkspaceStore.open(first.url)
        defer { second.close() }
        for round in 0..<5 {
            let stores: [PostgresWorkspaceStore] = [first.store, second]
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        do {
                            _ = try await store.createUser(email: index == 0 ? "maya\(round)@example.com" : "MAYA\(round)@example.com", passwordHash: "x")
                            _ = try await store.createWorkspace(id: "w\(round)", name: "W")
                            return "created"
                        } catch { return "refused \((error as? WorkspaceStoreError)?.code.description ?? "\(error)")" }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }.sorted()
            }
            #expect(outcomes == ["created", "refused already-exists"], "round \(round)")
        }
        #expect(try await second.users().count == 5)
        #expect(try await first.store.workspaces().count == 5)
        }
    }

    @Test("PostgreSQL refuses a NUL character with a clear message; a store URL that cannot work says why")
    func refusals() async throws {
        guard let base = BackendURLs.postgres else { return }
        try await PostgresTestStore.with(base) { store in
            _ = try await store.store.createWorkspace(id: "team", name: "Team")
            await #expect {
                try await store.store.updateWorkspace("team", name: "Te\u{0}am", description: nil)
            } throws: { error in
                (error as? WorkspaceStoreError)?.code == .invalidInput && "\(error)".contains("NUL")
            }
            #expect(try await store.store.workspace("team").name == "Team")
            // An upload id used before is a duplicate, said at once, not a race run again.
            _ = try await store.store.startUpload(id: "up", workspace: "team", file: "a.csv", format: "csv", bytes: 1)
            await #expect {
                try await store.store.startUpload(id: "up", workspace: "team", file: "b.csv", format: "csv", bytes: 1)
            } throws: { error in
                (error as? WorkspaceStoreError)?.code == .alreadyExists
            }
        }

        // A store whose pool is gone says the server does not answer (503 on a server), not a storage fault.
        let closed = try await PostgresWorkspaceStore.open(try PostgresURL(base))
        closed.close()
        await #expect { _ = try await closed.workspaces() } throws: { error in
            (error as? WorkspaceStoreError)?.code == .unavailable && "\(error)".contains("does not answer")
        }

        var wrongDatabase = try PostgresURL(base)
        wrongDatabase.database = "no_such_database"
        await #expect { _ = try await PostgresWorkspaceStore.open(wrongDatabase) } throws: { error in
            "\(error)".contains("'no_such_database' does not exist")
        }
        var nobody = try PostgresURL(base)
        nobody.port = 1
        await #expect { _ = try await PostgresWorkspaceStore.open(nobody, timeout: .seconds(2)) } throws: { error in
            "\(error)".contains("no PostgreSQL server answers")
        }
        for bad in ["mysql://a@b/c", "postgres://host/db", "postgres://u@host/", "postgres://u@host/db?sslmode=require", "postgres://u@host/db?schema=Bad-Name"] {
            #expect(throws: PostgresStoreError.self, "\(bad)") { try PostgresURL(bad) }
        }
    }

    @Test("the PostgreSQL tables have the columns of the SQLite tables, each of the same kind")
    func sameTables() async throws {
        guard let base = BackendURLs.postgres else { return }
        let directory = try TemporaryDirectory()
        let sqlite = try JourneyStore(path: directory.path("store.db"))
        try await PostgresTestStore.with(base) { postgres in
        let schema = postgres.url.schema ?? ""
        let sqliteColumns = try await sqlite.read { db in
            try db.rows(sql: """
                SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'grdb_migrations'
                """).map { row -> String in
                let type: String = try row[2]
                let kind = type == "INTEGER" ? "integer" : type == "REAL" ? "real" : type == "BLOB" ? "blob" : "text"
                return "\(try row[0] as String).\(try row[1] as String) \(kind)"
            }
        }
        // The embedded store keeps quarantined records in a file beside its database, PostgreSQL in
        // a table; only writers in several processes need the identity log.
        let postgresColumns = try await postgres.store.read { db in
            try db.rows(sql: "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = ? AND table_name NOT IN ('wayfinder_migrations', 'quarantine_records', 'identity_log')",
                        arguments: [schema]).map { row -> String in
                let type: String = try row[2]
                let kind = type == "bigint" ? "integer" : type == "double precision" ? "real" : type == "bytea" ? "blob" : "text"
                return "\(try row[0] as String).\(try row[1] as String) \(kind)"
            }
        }
        #expect(sqliteColumns.count > 100)
        #expect(Set(postgresColumns).subtracting(sqliteColumns).sorted() == [], "columns only PostgreSQL has")
        #expect(Set(sqliteColumns).subtracting(postgresColumns).sorted() == [], "columns only SQLite has")
        }
    }

    // MARK: The script

    /// Runs one script of calls on `store` and returns what each answered, with times, secrets
    /// and tokens masked.
    static func transcript(_ store: some SQLWorkspaceStore) async throws -> [String] {
        var lines: [String] = []
        func note(_ label: String, _ value: Any) { lines.append(label + ": " + mask("\(value)")) }
        func attempt<T>(_ label: String, _ body: () async throws -> T) async {
            do {
                note(label, try await body())
            } catch let error as WorkspaceStoreError {
                note(label, "error \(error.code) \(error.field ?? "-") \(error.message)")
            } catch {
                note(label, "failure \(error)")
            }
        }

        // Accounts and workspaces.
        await attempt("no users") { try await store.hasUsers() }
        let admin = try await store.createUser(email: "ana@example.com", name: "Ana", passwordHash: "hash-a", isAdmin: true)
        let editor = try await store.createUser(email: "ben@example.com", name: "Ben", passwordHash: "hash-b")
        await attempt("same email, other case") { try await store.createUser(email: "ANA@example.com", passwordHash: "h") }
        await attempt("bad email") { try await store.createUser(email: "not an address", passwordHash: "h") }
        _ = try await store.createUser(email: "Zoe@example.com", passwordHash: "h")
        _ = try await store.createUser(email: "adam@example.com", passwordHash: "h")
        await attempt("users") { try await store.users() }
        await attempt("sign in by email in other case") { try await store.userForSignIn(email: "BEN@EXAMPLE.COM").map { "\($0.0.email) \($0.1)" } }
        await attempt("workspace") { try await store.createWorkspace(id: "team", name: "Team", description: "Maps of the team") }
        await attempt("workspace again") { try await store.createWorkspace(id: "team", name: "Other") }
        await attempt("workspace bad id") { try await store.createWorkspace(id: "Bad Id", name: "x") }
        await attempt("rename") { try await store.updateWorkspace("team", name: "The team", description: nil) }
        await attempt("admin member") { try await store.setMembership(workspace: "team", user: admin.id, role: .admin) }
        await attempt("editor member") { try await store.setMembership(workspace: "team", user: editor.id, role: .editor) }
        await attempt("demote the only admin") { try await store.setMembership(workspace: "team", user: admin.id, role: .viewer) }
        for (email, id) in [("Zoe@example.com", "a-c"), ("adam@example.com", "ab")] {
            _ = try await store.createWorkspace(id: id, name: id.uppercased())
            let user = try #require(try await store.userForSignIn(email: email)).0
            _ = try await store.setMembership(workspace: id, user: user.id, role: .admin)
            _ = try await store.setMembership(workspace: "team", user: user.id, role: .viewer)
        }
        await attempt("members in order") { try await store.members(workspace: "team") }
        await attempt("workspaces in order") { try await store.workspaces().map(\.id) }
        await attempt("make admin") { try await store.updateUser(id: editor.id, isAdmin: true).isAdmin }
        await attempt("members") { try await store.members(workspace: "team") }
        await attempt("memberships") { try await store.memberships(user: editor.id) }
        await attempt("disable the only server admin") { try await store.updateUser(id: admin.id, disabled: true) }
        await attempt("rename user") { try await store.updateUser(id: editor.id, name: "Benjamin") }

        // Sessions.
        let session = try await store.createSession(user: editor.id, lifetime: 3600)
        await attempt("session by token") { try await store.session(token: session.token)?.user.email }
        await attempt("unknown token") { try await store.session(token: "wss_nothing") }
        let other = try await store.createSession(user: editor.id, lifetime: 3600)
        try await store.setPassword(user: editor.id, passwordHash: "hash-b2", keepSession: other.session.id)
        await attempt("session ended by new password") { try await store.session(token: session.token) }
        await attempt("session kept") { try await store.session(token: other.token)?.user.id }
        await attempt("password hash") { try await store.passwordHash(user: editor.id) }
        let third = try await store.createSession(user: admin.id, lifetime: 3600)
        try await store.setPassword(user: admin.id, passwordHash: "hash-a2")
        await attempt("every session ended by new password") { try await store.session(token: third.token) }
        try await store.deleteSession(id: other.session.id)
        await attempt("session deleted") { try await store.session(token: other.token) }

        // Maps, versions and personas, from a template.
        let template = WorkspaceTemplate.retail.workspace
        await attempt("import") { try await store.importWorkspace("team", workspace: template, author: "ana", message: "start") }
        await attempt("maps") { try await store.maps(workspace: "team") }
        await attempt("personas") { try await store.personas(workspace: "team").map(\.persona.id) }
        let map = try #require(template.journeys.first)
        var edited = map
        edited.title = "Edited title"
        await attempt("save v2") { try await store.saveMap(workspace: "team", id: map.id, map: edited, author: "ben", message: "retitle", baseVersion: 1).version }
        await attempt("save over v2 from v1") { try await store.saveMap(workspace: "team", id: map.id, map: map, author: "ana", baseVersion: 1) }
        await attempt("save unchanged") { try await store.saveMap(workspace: "team", id: map.id, map: edited, author: "ana").outcome }
        await attempt("restore v1") { try await store.restoreMap(workspace: "team", id: map.id, version: 1, author: "ana").version }
        await attempt("versions") { try await store.mapVersions(workspace: "team", id: map.id) }
        await attempt("diff 1 to 2") { try await store.diffMap(workspace: "team", id: map.id, from: 1, to: 2).changes.count }
        await attempt("old version") { try await store.map(workspace: "team", id: map.id, version: 2).map.title }
        await attempt("missing version") { try await store.map(workspace: "team", id: map.id, version: 99) }
        await attempt("missing map") { try await store.map(workspace: "team", id: "nothing") }
        await attempt("export") { try await store.exportWorkspace("team").journeys.map(\.title) }
        await attempt("workspaces") { try await store.workspaces() }

        // Persona photos follow their persona.
        let persona = try #require(template.personas.first)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 59)
        await attempt("photo") { try await store.setPersonaPhoto(workspace: "team", persona: persona.id, mediaType: "image/png", bytes: png) }
        await attempt("photo read") { try await store.personaPhoto(workspace: "team", persona: persona.id).map { "photo \($0.mediaType) \($0.bytes.count)" } }
        await attempt("photo of nobody") { try await store.setPersonaPhoto(workspace: "team", persona: "nobody", mediaType: "image/png", bytes: png) }

        // Comments.
        let stage = try #require(map.stages.first).id
        let touchpoint = try #require(map.touchpoints.first).id
        let comment = try await store.addComment(workspace: "team", map: map.id, target: try CommentTarget(address: "stage:\(stage)"), author: "ben", body: "Too long")
        await attempt("reply") { try await store.reply(workspace: "team", map: map.id, to: comment.id, author: "ana", body: "Agreed") }
        await attempt("on touchpoint") { try await store.addComment(workspace: "team", map: map.id, target: try CommentTarget(address: "touchpoint:\(touchpoint)"), author: "ben", body: "Slow") }
        await attempt("resolve") { try await store.resolveThread(workspace: "team", map: map.id, comment: comment.id, by: "ana") }
        await attempt("reopen") { try await store.reopenThread(workspace: "team", map: map.id, comment: comment.id, by: "ben") }
        await attempt("retarget") { try await store.retargetComments(workspace: "team", map: map.id, kind: "touchpoint", from: touchpoint, to: "renamed") }
        let carded = try #require(map.touchpoints.last { !$0.thoughts.isEmpty }).id
        let card = try await store.addComment(workspace: "team", map: map.id, target: try CommentTarget(address: "touchpoint:\(carded)/lane:thoughts/0"),
                                             author: "ben", body: "This card")
        await attempt("move card comments") {
            try await store.moveCardComments(workspace: "team", map: map.id, moves: [(from: card.target.address, to: "touchpoint:\(carded)/lane:thoughts/1")])
        }
        await attempt("threads") { try await store.commentThreads(workspace: "team", map: map.id) }
        await attempt("comment states") { try await store.commentStates(workspace: "team", maps: [map.id, "nothing"]).keys.sorted() }
        await attempt("delete thread") { try await store.deleteComment(workspace: "team", map: map.id, id: comment.id) }
        await attempt("threads after") { try await store.commentThreads(workspace: "team", map: map.id).count }

        // Share links and keys.
        let link = try await store.createShareLink(workspace: "team", map: map.id, createdBy: "ana", expires: nil)
        await attempt("link by token") { try await store.shareLink(token: link.token)?.map }
        await attempt("links") { try await store.shareLinks(workspace: "team", map: map.id) }
        await attempt("revoke link") { try await store.revokeShareLink(workspace: "team", map: map.id, id: link.link.id).revoked != nil }
        await attempt("revoked link") { try await store.shareLink(token: link.token) }
        await attempt("link in the past") { try await store.createShareLink(workspace: "team", map: map.id, createdBy: "ana", expires: Date(timeIntervalSinceNow: -60)) }
        let key = try await store.createAPIKey(kind: .write, name: "site", workspace: "team")
        await attempt("key by secret") { try await store.apiKey(secret: key.secret)?.name }
        await attempt("write key without workspace") { try await store.createAPIKey(kind: .write) }
        await attempt("keys") { try await store.apiKeys() }
        await attempt("revoke key") { try await store.revokeAPIKey(id: key.key.id)?.isActive }
        await attempt("revoke missing key") { try await store.revokeAPIKey(id: 999) }

        // Alert rules.
        let hook = "https://example.com/hooks/wayfinder"
        let rule = try await store.addAlertRule(AlertRuleDraft(workspace: "team", map: map.id, kind: .negativeFeedback, url: hook, secret: "a-secret-of-sixteen-chars",
                                                               name: "Unhappy", touchpoints: [touchpoint]))
        await attempt("rule") { rule.rule }
        await attempt("stage stay") {
            try await store.addAlertRule(AlertRuleDraft(workspace: "team", map: map.id, kind: .stageStay, url: hook, name: "Stuck", stage: stage, days: 2.5)).rule
        }
        await attempt("rule on no touchpoint") { try await store.addAlertRule(AlertRuleDraft(workspace: "team", map: map.id, kind: .negativeFeedback, url: hook, touchpoints: ["nothing"])) }
        await attempt("rule with a short secret") { try await store.addAlertRule(AlertRuleDraft(workspace: "team", map: map.id, kind: .negativeFeedback, url: hook, secret: "short")) }
        await attempt("rules of the workspace") { try await store.alertRules(workspace: "team") }
        await attempt("rules of no map") { try await store.alertRules(workspace: "team", map: "nothing") }
        await attempt("rule off") { try await store.setAlertRule(id: rule.rule.id, enabled: false).enabled }
        await attempt("rule on") { try await store.setAlertRule(id: rule.rule.id, enabled: true).enabled }
        await attempt("deliveries") { try await store.alertDeliveries(rule: rule.rule.id) }
        await attempt("delivery missing") { try await store.alertDelivery(id: 999) }
        await attempt("next delivery") { try await store.nextAlertDeliveryTime() }
        await attempt("remove rule") { try await store.removeAlertRule(id: rule.rule.id) }
        await attempt("remove rule again") { try await store.removeAlertRule(id: rule.rule.id) }

        // Uploads.
        await attempt("upload") { try await store.startUpload(id: "up1", workspace: "team", file: "events.csv", format: "csv", bytes: 120).file }
        await attempt("upload ends") { try await store.finishUpload(id: "up1", status: "failed", error: "line 3: no timestamp") }
        await attempt("uploads") { try await store.uploads(workspace: "team").map { "\($0.id) \($0.status) \($0.error ?? "-")" } }
        await attempt("upload of another workspace") { try await store.upload(id: "up1", workspace: "other") }

        // Deleting.
        await attempt("delete persona") { try await store.deletePersona(workspace: "team", id: persona.id) }
        await attempt("photo after its persona") { try await store.personaPhoto(workspace: "team", persona: persona.id).map { $0.bytes.count } }
        await attempt("delete map") { try await store.deleteMap(workspace: "team", id: map.id) }
        await attempt("remove editor") { try await store.removeMembership(workspace: "team", user: editor.id) }
        await attempt("remove editor again") { try await store.removeMembership(workspace: "team", user: editor.id) }
        await attempt("delete user") { try await store.deleteUser(id: editor.id) }
        await attempt("delete workspace") { try await store.deleteWorkspace("team") }
        await attempt("deleted workspace") { try await store.workspace("team") }
        return lines
    }

    /// `text` with what differs from run to run (times, secrets, tokens) replaced by a mark.
    static func mask(_ text: String) -> String {
        var text = text
        let patterns = [
            #"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?( \+0000|Z)?"#,
            #"\b1\d{12}\b"#,
            #"(prefix|csrfToken|token|secret): "[^"]*""#,
            #"w(f|s|ss)_[A-Za-z0-9_-]{10,}"#,
        ]
        for pattern in patterns {
            text = text.replacingOccurrences(of: pattern, with: "…", options: .regularExpression)
        }
        return text
    }
}

/// A PostgreSQL store in a schema of its own, dropped at the end of a test.
struct PostgresTestStore {
    let url: PostgresURL
    let store: PostgresWorkspaceStore

    init(_ base: String) async throws {
        var url = try PostgresURL(base)
        url.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        self.url = url
        store = try await PostgresWorkspaceStore.open(url)
    }

    /// Runs `body` with a new store, and drops its schema after, whether `body` threw or not.
    static func with<T>(_ base: String, _ body: (PostgresTestStore) async throws -> T) async throws -> T {
        let store = try await PostgresTestStore(base)
        do {
            let value = try await body(store)
            await store.drop()
            return value
        } catch {
            await store.drop()
            throw error
        }
    }

    func drop() async {
        let schema = url.schema ?? ""
        _ = try? await store.write { db in try db.execute(sql: "DROP SCHEMA \(schema) CASCADE") }
        store.close()
    }
}
