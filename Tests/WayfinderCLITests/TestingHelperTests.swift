import Foundation
import Testing
import WayfinderTesting

/// The helpers the end-to-end tests rely on.
@Suite("WayfinderTesting helpers")
struct TestingHelperTests {
    @Test("the binary under test is the one built beside the test runner")
    func binaryLocation() throws {
        let binary = try WayfinderProcess.executableURL()
        #expect(FileManager.default.isExecutableFile(atPath: binary.path))
        #if os(Linux)
        if ProcessInfo.processInfo.environment["WAYFINDER_BINARY"] == nil, let runner = CommandLine.arguments.first, runner.hasSuffix(".xctest") {
            let products = URL(fileURLWithPath: runner).resolvingSymlinksInPath().deletingLastPathComponent()
            #expect(binary.deletingLastPathComponent().standardizedFileURL.path == products.standardizedFileURL.path)
        }
        #endif
    }

    @Test("outputs much larger than a pipe buffer do not deadlock")
    func largeOutputs() async throws {
        try await withTemporaryDirectory { directory in
            // 4,000 unknown keys: about 600 KB of diagnostics on stderr, ten times a pipe's buffer.
            let keys = (0..<4_000).map { "unknown_key_\($0): 1" }.joined(separator: "\n")
            try directory.write("version: 1\n" + keys + "\n", to: "noisy.yaml")
            let output = try await WayfinderProcess.run(["validate", "noisy.yaml"], in: directory.path)
            #expect(output.status == 1)
            #expect(output.stderr.utf8.count > 256 * 1024)
            #expect(output.stderrLines.filter { $0.contains("error: unknown key 'unknown_key_") }.count == 4_000)

            let json = try await WayfinderProcess.run(["validate", "noisy.yaml", "--format", "json"], in: directory.path)
            #expect(json.stdout.utf8.count > 256 * 1024)
            let report = try jsonObject(json.stdout)
            #expect((report["diagnostics"] as? [Any])?.count == 4_000)
        }
    }

    @Test("environment additions reach the child")
    func environment() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("version: 1\nbogus: 1\n", to: "w.yaml")
            // Colour is off by default (NO_COLOR), so diagnostics carry no escape codes.
            let output = try await WayfinderProcess.run(["validate", "w.yaml"], in: directory.path, environment: ["TERM": "xterm"])
            #expect(output.status == 1)
            #expect(!output.stderr.contains("\u{1B}["))
        }
    }

    @Test("a temporary directory is removed when done")
    func temporaryDirectoryCleanup() async throws {
        let path = try await withTemporaryDirectory { directory in
            try directory.write([0, 1, 2], to: "a/b/c.bin")
            #expect(directory.files() == ["a/b/c.bin"])
            #expect(directory.exists("a/b"))
            return directory.path
        }
        #expect(!FileManager.default.fileExists(atPath: path))

        var path2 = ""
        do {
            let directory = try TemporaryDirectory(prefix: "scoped")
            path2 = directory.path
            #expect(FileManager.default.fileExists(atPath: path2))
        }
        #expect(!FileManager.default.fileExists(atPath: path2), "deinit removes the folder")
    }

    @Test("the CSV reader used by the render tests follows RFC 4180")
    func csvReader() {
        #expect(parseCSV("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\n,\n") == [["a", "b"], ["x, y", "say \"hi\"\nthere"], ["", ""]])
    }
}
