import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder diff")
struct DiffCommandTests {
    @Test("a workspace against itself: No changes.", arguments: ["text", "json"])
    func noChanges(_ format: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace("lead-gen", in: directory)
            let output = try await wayfinder("diff", "ws", "ws", "--format", format, "--exit-code", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            if format == "text" {
                #expect(output.stdout == "No changes.\n")
            } else {
                let report = try jsonObject(output.stdout)
                #expect((report["changes"] as? [Any])?.isEmpty == true)
                #expect(report["summary"] as? [String: Int] == ["added": 0, "removed": 0, "moved": 0, "edited": 0])
            }
        }
    }

    /// An edited copy of the retail workspace: one emotion changed, one touchpoint added.
    struct EditedWorkspace {
        var journey: String
        var touchpoint: String
        var oldEmotion: String
        var newEmotion: String

        /// Initialises `old` and `new`, then edits the current-state map in `new`.
        static func make(in directory: TemporaryDirectory) async throws -> EditedWorkspace {
            try await initWorkspace("retail", in: directory, folder: "old")
            try await initWorkspace("retail", in: directory, folder: "new")
            let current = try #require(try await journeys(of: "new", in: directory).first { $0.state == "current" })
            let file = "new/journeys/\(current.id).yaml"
            var lines = try #require(directory.read(file)).components(separatedBy: "\n")

            // The first touchpoint with an emotion: change its score.
            let touchpointsLine = try #require(lines.firstIndex(of: "touchpoints:"))
            let emotionIndex = try #require(lines[touchpointsLine...].firstIndex { $0.hasPrefix("    emotion: ") })
            let owner = try #require(lines[touchpointsLine..<emotionIndex].last { $0.hasPrefix("  - id: ") })
            let touchpoint = String(owner.dropFirst("  - id: ".count))
            let oldEmotion = String(lines[emotionIndex].dropFirst("    emotion: ".count))
            let newEmotion = oldEmotion == "-1" ? "1" : "-1"
            lines[emotionIndex] = "    emotion: \(newEmotion)"

            // A new touchpoint at the top of the list.
            lines.insert(contentsOf: [
                "  - id: podcast-mention",
                "    name: Hears about us on a podcast",
                "    stage: awareness",
                "    channel: audio",
            ], at: touchpointsLine + 1)
            try directory.write(lines.joined(separator: "\n"), to: file)
            return EditedWorkspace(journey: current.id, touchpoint: touchpoint, oldEmotion: oldEmotion, newEmotion: newEmotion)
        }
    }

    @Test("an edited emotion and an added touchpoint")
    func editedWorkspace() async throws {
        try await withTemporaryDirectory { directory in
            let edit = try await EditedWorkspace.make(in: directory)
            let validation = try await wayfinder("validate", "new", in: directory)
            #expect(validation.status == 0, "\(validation)")

            let output = try await wayfinder("diff", "old", "new", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            #expect(output.stdoutLines == [
                "+ touchpoint \(edit.journey)/podcast-mention: \"Hears about us on a podcast (awareness, audio)\"",
                "~ emotion \(edit.journey)/\(edit.touchpoint): \"\(edit.oldEmotion)\" → \"\(edit.newEmotion)\"",
                "",
                "2 changes: 1 added, 0 removed, 0 moved, 1 edited",
            ], "\(output)")

            let exitCode = try await wayfinder("diff", "old", "new", "--exit-code", in: directory)
            #expect(exitCode.status == 1, "\(exitCode)")
            #expect(exitCode.stdout == output.stdout)

            // The other direction undoes it.
            let reverse = try await wayfinder("diff", "new", "old", in: directory)
            #expect(reverse.status == 0)
            #expect(reverse.stdoutLines.contains("- touchpoint \(edit.journey)/podcast-mention: \"Hears about us on a podcast (awareness, audio)\""), "\(reverse)")
            #expect(reverse.stdoutLines.contains("~ emotion \(edit.journey)/\(edit.touchpoint): \"\(edit.newEmotion)\" → \"\(edit.oldEmotion)\""), "\(reverse)")
            #expect(reverse.stdoutLines.last == "2 changes: 0 added, 1 removed, 0 moved, 1 edited")
        }
    }

    @Test("--format json lists changes and a summary")
    func editedWorkspaceJSON() async throws {
        try await withTemporaryDirectory { directory in
            let edit = try await EditedWorkspace.make(in: directory)
            let output = try await wayfinder("diff", "old", "new", "--format", "json", "--exit-code", in: directory)
            #expect(output.status == 1, "\(output)")
            let report = try jsonObject(output.stdout)
            #expect(report["old"] as? String == "old" && report["new"] as? String == "new")
            #expect(report["summary"] as? [String: Int] == ["added": 1, "removed": 0, "moved": 0, "edited": 1])
            let changes = try #require(report["changes"] as? [[String: String]])
            #expect(changes.count == 2)
            #expect(changes.contains { $0["action"] == "added" && $0["subject"] == "touchpoint" && $0["target"] == "\(edit.journey)/podcast-mention" })
            #expect(changes.contains {
                $0["action"] == "edited" && $0["subject"] == "emotion" && $0["target"] == "\(edit.journey)/\(edit.touchpoint)"
                    && $0["from"] == edit.oldEmotion && $0["to"] == edit.newEmotion
            }, "\(changes)")
        }
    }

    @Test("a broken side fails with its diagnostics")
    func brokenSide() async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(in: directory)
            let missing = try await wayfinder("diff", "ws", "nowhere", in: directory)
            #expect(missing.status == 1, "\(missing)")
            #expect(missing.stderr.contains("nowhere: error: no such file or folder"), "\(missing)")
            #expect(missing.stdout.isEmpty)
        }
    }

    @Test("diff needs two paths")
    func usage() async throws {
        let output = try await wayfinder("diff", "only-one")
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("Usage: wayfinder diff"), "\(output)")
    }
}
