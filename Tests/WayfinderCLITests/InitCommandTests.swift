import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder init")
struct InitCommandTests {
    @Test("each template initialises into a valid workspace", arguments: templateNames)
    func initThenValidate(_ template: String) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("init", "--template", template, "maps", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            #expect(output.stdoutLines.first?.hasPrefix("Wrote the \(template) workspace (") == true, "\(output)")
            #expect(output.stdout.contains("wayfinder validate maps"))

            // Every path `init` lists exists, and every file written is listed.
            let listed = output.stdoutLines.filter { $0.hasPrefix("  maps/") }.map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(listed.contains("maps/wayfinder.yaml"))
            #expect(listed.contains { $0.hasPrefix("maps/personas/") && $0.hasSuffix(".yaml") })
            #expect(listed.contains { $0.hasPrefix("maps/journeys/") && $0.hasSuffix(".yaml") })
            #expect(Set(listed) == Set(directory.files(under: "maps")))

            let validation = try await wayfinder("validate", "maps", in: directory)
            #expect(validation.status == 0, "\(validation)")
            #expect(validation.stdout.hasPrefix("✓ valid — \(listed.count) files, "), "\(validation)")
            #expect(validation.stdout.contains(": 0 errors, 0 warnings"), "\(validation)")
            #expect(validation.stderr.isEmpty, "\(validation)")
        }
    }

    @Test("init refuses a folder that is not empty, and names --force")
    func refusesNonEmptyFolder() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("keep me\n", to: "maps/notes.txt")
            let output = try await wayfinder("init", "maps", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stdout.isEmpty)
            #expect(output.stderr == "maps already exists and is not empty; choose another folder or add --force to overwrite\n")
            #expect(directory.files(under: "maps") == ["maps/notes.txt"], "nothing may be written")

            let forced = try await wayfinder("init", "--force", "maps", in: directory)
            #expect(forced.status == 0, "\(forced)")
            #expect(directory.read("maps/notes.txt") == "keep me\n")
            #expect(directory.exists("maps/wayfinder.yaml"))
        }
    }

    @Test("init into an empty existing folder works")
    func emptyExistingFolder() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory.path("maps"), withIntermediateDirectories: true)
            let output = try await wayfinder("init", "--template", "saas", "maps", in: directory)
            #expect(output.status == 0, "\(output)")
        }
    }

    @Test("init --syntax json writes JSON files that validate", arguments: ["retail", "b2b-services"])
    func jsonSyntax(_ template: String) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("init", "--template", template, "--syntax", "json", "maps", in: directory)
            #expect(output.status == 0, "\(output)")
            let files = directory.files(under: "maps")
            #expect(files.contains("maps/wayfinder.json"))
            #expect(files.count >= 3)
            #expect(files.allSatisfy { $0.hasSuffix(".json") }, "\(files)")
            for file in files {
                let text = try #require(directory.read(file))
                #expect(throws: Never.self, "\(file) is not JSON") { _ = try JSONSerialization.jsonObject(with: Data(text.utf8)) }
            }
            let validation = try await wayfinder("validate", "maps", in: directory)
            #expect(validation.status == 0, "\(validation)")
            #expect(validation.stdout.hasPrefix("✓ valid"), "\(validation)")

            // The JSON and YAML forms hold the same workspace.
            try await initWorkspace(template, in: directory, folder: "yaml-maps")
            let diff = try await wayfinder("diff", "yaml-maps", "maps", "--exit-code", in: directory)
            #expect(diff.status == 0, "\(diff)")
            #expect(diff.stdout == "No changes.\n")
        }
    }

    @Test("init with the default folder and template")
    func defaults() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("init", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stdoutLines.first?.hasPrefix("Wrote the retail workspace") == true)
            #expect(directory.exists("wayfinder-workspace/wayfinder.yaml"))
        }
    }

    @Test("an unknown template or syntax is a usage error", arguments: [["--template", "bakery"], ["--syntax", "toml"]])
    func unknownChoice(_ option: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder(["init"] + option + ["maps"], in: directory)
            #expect(output.status == 2, "\(output)")
            #expect(output.stderr.contains("'\(option[1])'"), "\(output)")
            #expect(!directory.exists("maps"))
        }
    }
}
