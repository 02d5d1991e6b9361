import ArgumentParser
import Foundation
import JourneyModel

extension Wayfinder {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List what changed between two versions of a workspace.",
            discussion: """
            Reports personas, journeys, stages, touchpoints, cards and emotion scores that were added (+), removed (-), moved (>) or edited (~). Each side is a workspace file or folder.

            Examples:
              wayfinder diff old-maps maps
              git worktree add /tmp/main main && wayfinder diff /tmp/main/maps maps --format json

            Exit status: 0 (with --exit-code: 0 when equal, 1 when they differ), 2 usage error.
            """
        )

        @Argument(help: "The old version.") var old: String
        @Argument(help: "The new version.") var new: String

        @Option(help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Flag(help: "Exit with status 1 when the versions differ, like 'git diff --exit-code'.")
        var exitCode = false

        func run() throws {
            let before = try WorkspaceInput.load([old], showWarnings: false)
            let after = try WorkspaceInput.load([new], showWarnings: false)
            let diff = WorkspaceDiff(old: before.workspace, new: after.workspace)
            switch format {
            case .json:
                struct Report: Encodable {
                    var old: String, new: String
                    var summary: [String: Int]
                    var changes: [WorkspaceDiff.Change]
                }
                let summary = Dictionary(uniqueKeysWithValues: [WorkspaceDiff.Change.Action.added, .removed, .moved, .edited].map { ($0.rawValue, diff.counts[$0] ?? 0) })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(Report(old: old, new: new, summary: summary, changes: diff.changes))
                Console.out(String(decoding: data, as: UTF8.self))
            case .text:
                if diff.isEmpty {
                    Console.out("No changes.")
                } else {
                    for change in diff.changes { Console.out(change.line) }
                    let counts = diff.counts
                    Console.out("\n\(diff.changes.count) changes: \(counts[.added] ?? 0) added, \(counts[.removed] ?? 0) removed, \(counts[.moved] ?? 0) moved, \(counts[.edited] ?? 0) edited")
                }
            }
            if exitCode, !diff.isEmpty { throw ExitCode(1) }
        }
    }
}
