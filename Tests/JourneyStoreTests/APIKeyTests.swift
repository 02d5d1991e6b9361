import Foundation
import JourneyStore
import Testing
import WayfinderTesting

@Suite("API keys")
struct APIKeyTests {
    @Test("a key is found by its secret, listed without it, and revoked once")
    func lifecycle() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        let write = try await store.createAPIKey(kind: .write, name: "website", workspace: try store.data.workspace)
        let read = try await store.createAPIKey(kind: .read)
        #expect(write.secret.hasPrefix("wf_"))
        #expect(write.secret.count == 46)
        #expect(write.secret != read.secret)
        #expect(write.key.prefix == String(write.secret.prefix(8)))
        #expect(try await store.apiKey(secret: write.secret) == write.key)
        #expect(try await store.apiKey(secret: read.secret)?.kind == .read)
        #expect(try await store.apiKey(secret: write.secret + "x") == nil)
        #expect(try await store.apiKey(secret: "") == nil)
        #expect(try await store.apiKeys().map(\.id) == [write.key.id, read.key.id])

        let revoked = try #require(try await store.revokeAPIKey(id: write.key.id))
        #expect(!revoked.isActive)
        #expect(try await store.apiKey(secret: write.secret)?.isActive == false)
        // Revoking again keeps the first time.
        #expect(try await store.revokeAPIKey(id: write.key.id)?.revokedAt == revoked.revokedAt)
        #expect(try await store.revokeAPIKey(id: 999) == nil)
        #expect(try await store.apiKeys().first { $0.id == read.key.id }?.isActive == true)
    }

    @Test("the database holds a digest of each secret, never the secret", arguments: APIKey.Kind.allCases)
    func secretNotStored(_ kind: APIKey.Kind) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.db")
        var secrets: [String] = []
        for _ in 0..<3 {
            let store = try JourneyStore(path: path)
            secrets.append(try await store.createAPIKey(kind: kind, workspace: kind.collects ? try store.data.workspace : nil).secret)
        }
        #expect(Set(secrets).count == 3)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += wal }
        // Searched as bytes: decoding the file as UTF-8 could join a prefix to the binary byte before it.
        for secret in secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
            #expect(bytes.range(of: Data(secret.prefix(8).utf8)) != nil)
        }
    }

    @Test("a key that sends events belongs to one workspace; a read key may read every workspace", arguments: APIKey.Kind.allCases)
    func collectingKeysNeedAWorkspace(_ kind: APIKey.Kind) async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        if kind.collects {
            await #expect(throws: WorkspaceStoreError.self) { try await store.createAPIKey(kind: kind) }
            #expect(try await store.apiKeys().isEmpty)
        } else {
            #expect(try await store.createAPIKey(kind: kind).key.workspace == nil)
        }
        #expect(try await store.createAPIKey(kind: kind, workspace: try store.data.workspace).key.workspace == "default")
    }
}
