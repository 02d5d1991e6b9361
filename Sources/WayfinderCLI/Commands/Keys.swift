import ArgumentParser
import Foundation
import JourneyStore
import PostgresStore

extension APIKey.Kind: ExpressibleByArgument {}

extension Wayfinder {
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create, list and revoke the server's API keys (write keys for event collection, read and read-write keys for the API).",
            discussion: """
            A write key lets an SDK send events to 'wayfinder serve' (/v1/track, /v1/batch…) and nothing else; read and read-write keys are for the API. The secret is shown once, when the key is created: the store keeps only its SHA-256 digest and first characters.

            Write and read-write keys belong to one workspace, and the events they send go to it: --workspace names it (default: the store's only workspace, or 'default' in a store without workspaces). A read key without --workspace reads every workspace.

            Examples:
              wayfinder keys create --db wayfinder.db --kind write --name website
              wayfinder keys create --db wayfinder.db --kind read --workspace shop --name dashboard
              wayfinder keys list --db wayfinder.db
              wayfinder keys revoke --db wayfinder.db 3
            """,
            subcommands: [Create.self, List.self, Revoke.self]
        )
    }
}

extension Wayfinder.Keys {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print its secret, once.",
            discussion: """
            Give the secret to the SDK as its write key; Wayfinder takes it as the HTTP Basic user name with an empty password, or as writeKey in the body.

            Exit status: 0 created, 1 the store cannot be written, 2 usage error.
            """
        )

        @Option(help: "The store (a SQLite file, created if missing).") var db = "wayfinder.db"
        @Option(help: StoreWorkspace.storeHelp) var store: String?
        @Option(help: ArgumentHelp("What the key may do: write (send events), read, or read-write.", valueName: "kind")) var kind: APIKey.Kind
        @Option(help: ArgumentHelp("A name to tell the key by, such as website or ios-app.", valueName: "name")) var name = ""
        @Option(name: [.customLong("workspace"), .customLong("workspace-id")],
                help: ArgumentHelp("The workspace of the key: where a write or read-write key sends events (default: the store's only workspace), and the only one it reaches through the API (a read key without it reads every workspace).", valueName: "id"))
        var workspace: String?
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func validate() throws {
            try StoreWorkspace.validate(workspace)
            try StoreWorkspace.validate(store: store)
            if name.count > 100 { throw ValidationError("--name takes at most 100 characters.") }
            if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError("--name cannot hold control characters such as newlines.")
            }
        }

        func run() async throws {
            var workspace = self.workspace
            let location: String
            let created: NewAPIKey
            if let url = self.store {
                let store = try await ServerLauncher.openStore(url: url)
                defer { store.close() }
                location = store.url.description
                do {
                    if workspace == nil, kind.collects { workspace = try await Self.onlyWorkspace(of: store) }
                    created = try await store.createAPIKey(kind: kind, name: name, workspace: workspace)
                } catch {
                    throw CommandFailure(message: "\(location): \(error.message)")
                }
            } else {
                let store: JourneyStore
                do { store = try JourneyStore(path: db) } catch { throw CommandFailure(message: error.description) }
                if workspace == nil, kind.collects { workspace = try StoreWorkspace.open(db: db, workspace: nil, creating: true).workspace }
                location = db
                do { created = try await store.createAPIKey(kind: kind, name: name, workspace: workspace) } catch {
                    throw CommandFailure(message: error.message)
                }
            }
            let key = created.key
            switch format {
            case .json:
                struct Output: Encodable {
                    var id: Int64, kind: String, name: String, prefix: String, createdAt: String, secret: String, workspace: String?
                    enum CodingKeys: String, CodingKey { case id, kind, name, prefix, secret, workspace; case createdAt = "created_at" }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let output = Output(id: key.id, kind: key.kind.rawValue, name: key.name, prefix: key.prefix, createdAt: key.createdAt, secret: created.secret, workspace: key.workspace)
                Console.out(String(decoding: try encoder.encode(output), as: UTF8.self))
            case .text:
                Console.out("Created \(key.kind.rawValue) key \(key.id)\(key.name.isEmpty ? "" : " (\(key.name))") in \(location)\(key.workspace.map { ", workspace '\($0)'" } ?? ", for every workspace").")
                Console.out("Its secret, shown only now (keep it where the SDK's configuration lives):")
                Console.out("  \(created.secret)")
                if key.kind.collects {
                    Console.out("Send an event with it to 'wayfinder serve \(self.store == nil ? "--db" : "--store") \(location)':")
                    Console.out("  curl -u '\(created.secret):' -H 'Content-Type: application/json' \\")
                    Console.out("       -d '{\"userId\": \"user-1\", \"event\": \"Signed Up\"}' http://127.0.0.1:8080/v1/track")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys, revoked ones too (never their secrets).")

        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func run() async throws {
            let keys = try await openExisting(db).apiKeys()
            switch format {
            case .json:
                struct Output: Encodable { var keys: [APIKey] }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.out(String(decoding: try encoder.encode(Output(keys: keys)), as: UTF8.self))
            case .text:
                guard !keys.isEmpty else {
                    Console.out("No keys yet; create one with 'wayfinder keys create --db \(db) --kind write'.")
                    return
                }
                let rows = [["ID", "KIND", "NAME", "PREFIX", "CREATED", "REVOKED"]]
                    + keys.map { [String($0.id), $0.kind.rawValue, $0.name.isEmpty ? "-" : $0.name, $0.prefix + "…", $0.createdAt, $0.revokedAt ?? "-"] }
                let widths = (0..<6).map { column in rows.map { $0[column].count }.max() ?? 0 }
                for row in rows {
                    Console.out(row.enumerated().map { $0.offset == 5 ? $0.element : $0.element.padding(toLength: widths[$0.offset] + 2, withPad: " ", startingAt: 0) }.joined())
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key: requests with it are refused (401) from then on.",
            discussion: "ID is the number 'wayfinder keys list' shows.\n\nExit status: 0 revoked (or revoked before), 1 no such key, 2 usage error."
        )

        @Argument(help: "The key's number.") var id: Int64
        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func run() async throws {
            let store = try openExisting(db)
            let before = try await store.apiKeys().first { $0.id == id }
            guard let before, let key = try await store.revokeAPIKey(id: id) else {
                throw CommandFailure(message: "no key \(id) in \(db); list the keys with 'wayfinder keys list --db \(db)'")
            }
            switch format {
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Console.out(String(decoding: try encoder.encode(key), as: UTF8.self))
            case .text:
                if before.isActive {
                    Console.out("Revoked \(key.kind.rawValue) key \(key.id)\(key.name.isEmpty ? "" : " (\(key.name))"); requests with it are refused from now on.")
                } else {
                    Console.out("Key \(key.id) was already revoked at \(key.revokedAt ?? "-").")
                }
            }
        }
    }
}

extension Wayfinder.Keys.Create {
    /// The workspace a write key of a PostgreSQL store goes to without --workspace: the store's
    /// only one, or `default` created in a store without workspaces.
    static func onlyWorkspace(of store: PostgresWorkspaceStore) async throws(WorkspaceStoreError) -> String {
        let present = try await store.workspaces().map(\.id)
        switch present.count {
        case 1: return present[0]
        case 0:
            let id = WorkspaceData.defaultWorkspace.id
            do {
                _ = try await store.createWorkspace(id: id, name: WorkspaceData.defaultWorkspace.name)
            } catch {
                if error.code != .alreadyExists { throw error }
            }
            return id
        default:
            throw WorkspaceStoreError(.invalidInput, field: "workspace", "the store holds several workspaces (\(present.joined(separator: ", "))); name one with --workspace, such as --workspace \(present[0])")
        }
    }
}

/// Opens a store that must exist already (listing or revoking keys never creates one).
private func openExisting(_ db: String) throws -> JourneyStore {
    guard FileManager.default.fileExists(atPath: db) else {
        throw CommandFailure(message: "\(db): no store here; create a key with 'wayfinder keys create --db \(db) --kind write'")
    }
    do { return try JourneyStore(path: db) } catch { throw CommandFailure(message: error.description) }
}
