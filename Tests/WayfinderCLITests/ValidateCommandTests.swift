import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder validate")
struct ValidateCommandTests {
    /// A workspace folder with one problem of each kind, at positions found by searching the text.
    struct BrokenWorkspace {
        static let workspace = "version: 1\nname: Broken\nperzonas: []\n"
        static let journey = """
            id: first
            title: First
            stages:
              - { id: awareness, name: Awareness }
            touchpoints:
              - id: ad
                name: Sees an ad
                stage: awarness
                channel: social
                emotion: 5
            goal: ad

            """
        static let tabs = "id: second\n\ttitle: Second\n"
        static let persona: [UInt8] = Array("id: maya\nname: Ma".utf8) + [0xFF] + Array("ya\n".utf8)

        /// Writes the files under `maps/`.
        static func write(in directory: TemporaryDirectory) throws {
            try directory.write(workspace, to: "maps/wayfinder.yaml")
            try directory.write(journey, to: "maps/journeys/first.yaml")
            try directory.write(tabs, to: "maps/journeys/tabs.yaml")
            try directory.write(persona, to: "maps/personas/maya.yaml")
        }

        /// The expected `file:line:column: error: message` lines, positions computed from the text.
        static var expectedErrors: [String] {
            let stage = position(of: "awarness", in: journey)
            let emotion = position(of: "5", in: journey)
            let unknown = position(of: "perzonas", in: workspace)
            let tab = position(of: "\t", in: tabs)
            let byte = (line: 2, column: "name: Ma".count + 1)
            return [
                "maps/journeys/first.yaml:\(stage.line):\(stage.column): error: stage 'awarness' does not exist [journeys[0].touchpoints[0].stage]",
                "maps/journeys/first.yaml:\(emotion.line):\(emotion.column): error: emotion 5 is outside the map's scale -2…2 [journeys[0].touchpoints[0].emotion]",
                "maps/journeys/tabs.yaml:\(tab.line):\(tab.column): error: invalid YAML: ",
                "maps/personas/maya.yaml:\(byte.line):\(byte.column): error: the file is not valid UTF-8 (byte 0xFF)",
                "maps/wayfinder.yaml:\(unknown.line):\(unknown.column): error: unknown key 'perzonas' in workspace [perzonas]",
            ]
        }
    }

    /// The 1-based line and column (in Unicode scalars) of the first occurrence of `token`.
    static func position(of token: String, in text: String) -> (line: Int, column: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if let range = line.range(of: token) {
                return (index + 1, line.unicodeScalars[line.startIndex..<range.lowerBound].count + 1)
            }
        }
        Issue.record("'\(token)' is not in the text")
        return (0, 0)
    }

    @Test("a broken workspace: exit 1 and file:line:column: error lines")
    func brokenWorkspace() async throws {
        try await withTemporaryDirectory { directory in
            try BrokenWorkspace.write(in: directory)
            let output = try await wayfinder("validate", "maps", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stdout.isEmpty, "\(output)")

            let lines = output.stderrLines
            // Every line is a diagnostic, an indented detail, or the closing summary.
            let diagnosticLine = /^[^:\s][^:]*:\d+:\d+: (error|warning): \S.*$/
            for line in lines.dropLast() where !line.hasPrefix("    ") {
                #expect(line.wholeMatch(of: diagnosticLine) != nil, "not a file:line:column diagnostic: \(line)")
            }
            for expected in BrokenWorkspace.expectedErrors {
                #expect(lines.contains { $0.hasPrefix(expected) }, "missing \(expected)\n\(output)")
            }
            #expect(lines.contains("    suggestion: did you mean 'awareness'?"))
            #expect(lines.contains("    suggestion: did you mean 'personas'?"))
            #expect(lines.last?.hasPrefix("✗ invalid — 4 files, 0 personas, ") == true, "\(output)")
            #expect(lines.last?.hasSuffix(" touchpoints: 5 errors, 1 warning") == true || lines.last?.hasSuffix(" touchpoint: 5 errors, 1 warning") == true)

            // Diagnostics come sorted by file, then line.
            let files = lines.filter { !$0.hasPrefix(" ") && !$0.hasPrefix("✗") }.map { String($0.prefix { $0 != ":" }) }
            #expect(files == files.sorted())
        }
    }

    @Test("--format json: valid false and every diagnostic with file, line, column and code")
    func brokenWorkspaceJSON() async throws {
        try await withTemporaryDirectory { directory in
            try BrokenWorkspace.write(in: directory)
            let output = try await wayfinder("validate", "maps", "--format", "json", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            let report = try jsonObject(output.stdout)
            #expect(report["valid"] as? Bool == false)
            let counts = try #require(report["counts"] as? [String: Int])
            #expect(counts["errors"] == 5 && counts["warnings"] == 1 && counts["files"] == 4, "\(counts)")

            let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 6)
            for diagnostic in diagnostics {
                #expect(diagnostic["file"] is String)
                #expect(diagnostic["line"] is Int)
                #expect(diagnostic["column"] is Int)
                #expect((diagnostic["code"] as? String)?.isEmpty == false)
                #expect((diagnostic["message"] as? String)?.isEmpty == false)
                #expect(["error", "warning"].contains(diagnostic["severity"] as? String))
            }
            let stage = Self.position(of: "awarness", in: BrokenWorkspace.journey)
            let dangling = try #require(diagnostics.first { $0["code"] as? String == "dangling-reference" })
            #expect(dangling["file"] as? String == "maps/journeys/first.yaml")
            #expect(dangling["line"] as? Int == stage.line && dangling["column"] as? Int == stage.column)
            #expect(dangling["path"] as? String == "journeys[0].touchpoints[0].stage")
            #expect(dangling["suggestion"] as? String == "did you mean 'awareness'?")
            let encoding = try #require(diagnostics.first { $0["code"] as? String == "encoding" })
            #expect(encoding["line"] as? Int == 2 && encoding["column"] as? Int == 9)
        }
    }

    @Test("--format json on a valid workspace")
    func validJSON() async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace("healthcare", in: directory)
            let output = try await wayfinder("validate", "ws", "--format", "json", in: directory)
            #expect(output.status == 0, "\(output)")
            let report = try jsonObject(output.stdout)
            #expect(report["valid"] as? Bool == true)
            #expect((report["diagnostics"] as? [Any])?.isEmpty == true)
            let counts = try #require(report["counts"] as? [String: Int])
            #expect(counts["errors"] == 0 && counts["journeys"] == 2, "\(counts)")
        }
    }

    /// A small broken file and the exact first diagnostic line it must produce.
    struct BrokenFile: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var firstLine: String
        var testDescription: String { name }
    }

    static let brokenFiles: [BrokenFile] = [
        BrokenFile(name: "unknown key", text: "version: 1\npersonaz: []\n",
                   firstLine: "f.yaml:2:1: error: unknown key 'personaz' in workspace [personaz]"),
        BrokenFile(name: "wrong version", text: "version: 2\n",
                   firstLine: "f.yaml:1:10: error: format version 2 is not supported [version]"),
        BrokenFile(name: "bad id", text: "version: 1\npersonas:\n  - id: Maya O\n    name: Maya\n",
                   firstLine: "f.yaml:3:9: error: 'Maya O' is not a valid id [personas[0].id]"),
        BrokenFile(name: "control character", text: "version: 1\nname: Stride\u{7}\n",
                   firstLine: "f.yaml:2:13: error: the control character U+0007 is not allowed in YAML or JSON text"),
        BrokenFile(name: "JSON trailing garbage", text: "{\"version\": 1} x",
                   firstLine: "f.json:1:16: error: invalid JSON: "),
    ]

    @Test("the first diagnostic of a small broken file", arguments: brokenFiles)
    func brokenFile(_ file: BrokenFile) async throws {
        try await withTemporaryDirectory { directory in
            let name = file.firstLine.hasPrefix("f.json") ? "f.json" : "f.yaml"
            try directory.write(file.text, to: name)
            let output = try await wayfinder("validate", name, in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderrLines.first?.hasPrefix(file.firstLine) == true, "\(output)")
        }
    }

    @Test("no path is a usage error")
    func noArguments() async throws {
        let output = try await wayfinder("validate")
        #expect(output.status == 2, "\(output)")
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("Name a workspace file or folder"), "\(output)")
        #expect(output.stderr.contains("Usage: wayfinder validate"), "\(output)")
    }

    @Test("an unknown option is a usage error", arguments: ["--bogus", "--format=xml", "--strict=yes"])
    func unknownOption(_ option: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(in: directory)
            let output = try await wayfinder("validate", option, "ws", in: directory)
            #expect(output.status == 2, "\(output)")
            #expect(output.stderr.contains("Usage: wayfinder validate"), "\(output)")
        }
    }

    @Test("a missing path fails with a helpful message")
    func missingPath() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("validate", "no-such-maps", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderrLines.first == "no-such-maps: error: no such file or folder")
            #expect(output.stderr.contains("suggestion: run 'wayfinder init no-such-maps' to create a workspace there"), "\(output)")
        }
    }

    @Test("a folder without journey-as-code files fails with a helpful message")
    func emptyFolder() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("hello\n", to: "maps/README.txt")
            let output = try await wayfinder("validate", "maps", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderr.contains("maps: error: the folder holds no journey-as-code files"), "\(output)")
        }
    }

    @Test("warnings pass, and fail with --strict")
    func strict() async throws {
        try await withTemporaryDirectory { directory in
            let text = """
                version: 1
                journeys:
                  - id: first
                    title: First
                    stages: [{ id: awareness, name: Awareness }, { id: decision, name: Decision }]
                    touchpoints:
                      - { id: ad, name: Sees an ad, stage: awareness, channel: social }
                    goal: ad

                """
            try directory.write(text, to: "maps.yaml")
            let relaxed = try await wayfinder("validate", "maps.yaml", in: directory)
            #expect(relaxed.status == 0, "\(relaxed)")
            let decision = Self.position(of: "{ id: decision", in: text)
            #expect(relaxed.stderrLines.first == "maps.yaml:\(decision.line):\(decision.column): warning: stage 'decision' has no touchpoints [journeys[0].stages[1]]")
            #expect(relaxed.stdout.hasPrefix("✓ valid — 1 file, "), "\(relaxed)")

            let strict = try await wayfinder("validate", "--strict", "maps.yaml", in: directory)
            #expect(strict.status == 1, "\(strict)")
            #expect(strict.stderrLines.last?.hasPrefix("✗ invalid") == true, "\(strict)")
        }
    }

    @Test("the summary uses the singular for one")
    func singularSummary() async throws {
        try await withTemporaryDirectory { directory in
            let text = """
                version: 1
                personas:
                  - { id: maya, name: Maya }
                journeys:
                  - id: first
                    title: First
                    personas: [maya]
                    stages: [{ id: awareness, name: Awareness }]
                    touchpoints:
                      - { id: ad, name: Sees an ad, stage: awareness, channel: social }
                    goal: ad

                """
            try directory.write(text, to: "one.yaml")
            let output = try await wayfinder("validate", "one.yaml", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stdout == "✓ valid — 1 file, 1 persona, 1 journey map, 1 touchpoint: 0 errors, 0 warnings\n")
        }
    }
}
