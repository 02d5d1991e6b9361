import Foundation
import Testing
import WayfinderTesting

/// The index `wayfinder analyze` saves beside the store: the next run, after an import or none,
/// prints what a build from the whole store prints; a damaged file is said and built again;
/// `forget` removes the folder.
@Suite("wayfinder analyze with a saved index")
struct SavedIndexCommandTests {
    @Test("analyses after an import, after nothing, after a damaged file and after forget print what --rebuild-index prints")
    func savedIndexFollowsTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let generate = try await wayfinder("generate", "--scenario", "retail", "--customers", "300", "--seed", "4", "--out", "data", in: directory)
            #expect(generate.status == 0, "\(generate)")
            try await initWorkspace(in: directory)
            // Two imports: the second after an analysis saved the index of the first.
            let text = try String(contentsOfFile: directory.path("data/events.csv"), encoding: .utf8)
            let lines = text.split(separator: "\n")
            try directory.write(lines[..<(lines.count / 2)].joined(separator: "\n") + "\n", to: "one.csv")
            try directory.write(([lines[0]] + lines[(lines.count / 2)...]).joined(separator: "\n") + "\n", to: "two.csv")
            let common = ["--workspace", "ws", "--db", "store.db", "--format", "json"]
            func analyses(_ extra: [String] = []) async throws -> [String] {
                var outputs: [String] = []
                for kind in ["funnel", "paths", "emotions", "personas"] {
                    let run = try await wayfinder(["analyze", kind] + common + extra, in: directory)
                    #expect(run.status == 0, "\(run)")
                    #expect(!run.stderr.contains("warning"), "\(run.stderr)")
                    // All but the time the index took.
                    outputs.append(run.stdout.replacing(/"seconds" : [0-9.e+-]+/, with: "\"seconds\" : 0"))
                }
                return outputs
            }
            #expect(try await wayfinder("import", "one.csv", "--db", "store.db", in: directory).status == 0)
            let first = try await analyses()
            let folder = directory.path("store.db.index.default")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".index") }
            #expect(!files.isEmpty)
            #expect(try await analyses() == first)
            #expect(try await wayfinder("import", "two.csv", "--db", "store.db", in: directory).status == 0)
            let updated = try await analyses()
            #expect(updated != first)
            #expect(try await analyses(["--rebuild-index"]) == updated)
            #expect(try await analyses() == updated)

            // A damaged file: said on standard error, and the answer is still the store's.
            let damaged = folder + "/" + files[0]
            var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
            bytes[bytes.count / 3] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: damaged))
            var warned = false
            for kind in ["funnel", "paths", "emotions", "personas"] {
                let run = try await wayfinder(["analyze", kind] + common, in: directory)
                warned = warned || run.stderr.contains("was not used: its checksum does not match its contents; it was built again from the store")
                #expect(run.status == 0, "\(run)")
            }
            #expect(warned)
            #expect(try await analyses() == updated)

            // Forgetting a customer removes the saved indexes.
            let list = try await wayfinder("customers", "--db", "store.db", "--limit", "1", "--format", "json", in: directory)
            let customer = try #require(((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])?["customers"] as? [[String: Any]])?.first?["id"] as? String)
            let forget = try await wayfinder("forget", customer, "--db", "store.db", in: directory)
            #expect(forget.status == 0, "\(forget)")
            #expect(!FileManager.default.fileExists(atPath: folder))
            #expect(try await analyses() == (try await analyses(["--rebuild-index"])))
        }
    }
}
