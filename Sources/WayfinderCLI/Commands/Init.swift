import ArgumentParser
import Foundation
import JourneyModel

extension WorkspaceTemplate: ExpressibleByArgument {
    /// The summary cut to fit beside the name in help.
    var shortSummary: String { summary.split(separator: ":").first.map(String.init) ?? summary }
}

extension Wayfinder {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a complete example workspace to start from.",
            discussion: """
            The workspace has several personas, a current-state map with five stages and every lane filled, and a future-state map that improves it.

            Templates:
            \(WorkspaceTemplate.allCases.map { "  \($0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.shortSummary)" }.joined(separator: "\n"))

            Examples:
              wayfinder init                        retail, into ./wayfinder-workspace
              wayfinder init --template saas maps   SaaS, into ./maps
            """
        )

        @Option(name: .shortAndLong, help: "The example to start from: \(WorkspaceTemplate.allCases.map(\.rawValue).joined(separator: ", ")).")
        var template: WorkspaceTemplate = .retail

        @Option(help: "File syntax: yaml or json.")
        var syntax: SyntaxOption = .yaml

        @Flag(help: "Write into a folder that already has files, replacing files of the same name.")
        var force = false

        @Argument(help: "The folder to create.")
        var folder = "wayfinder-workspace"

        func run() throws {
            if let contents = try? FileManager.default.contentsOfDirectory(atPath: folder), !contents.isEmpty, !force {
                throw CommandFailure(message: "\(folder) already exists and is not empty; choose another folder or add --force to overwrite")
            }
            let decoded = template.decoded()
            guard let workspace = decoded.workspace, !decoded.diagnostics.hasErrors else {
                Console.report(decoded.diagnostics)
                throw CommandFailure(message: "the \(template.rawValue) template is invalid; please report this")
            }
            let written: [String]
            do {
                written = try WorkspaceWriter.write(workspace, to: folder, syntax: syntax.syntax)
            } catch {
                throw CommandFailure(message: error.description)
            }
            Console.out("Wrote the \(template.rawValue) workspace (\(workspace.personas.count) personas, \(workspace.journeys.count) journey maps) to \(folder):")
            for path in written { Console.out("  \(path)") }
            Console.out("""

            Next:
              \(Invocation.command) validate \(folder)
              \(Invocation.command) render \(folder) --format html --out map.html
            """)
        }
    }
}

/// The syntax of written files.
enum SyntaxOption: String, ExpressibleByArgument, CaseIterable {
    case yaml, json

    var syntax: DocumentReader.Syntax { self == .json ? .json : .yaml }
}
