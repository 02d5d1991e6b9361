import ArgumentParser
import Foundation
import JourneyModel

extension Wayfinder {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check journey-as-code files and report every problem at once.",
            discussion: """
            Each problem is printed as 'file:line:column: error|warning: message [key path]', followed by what was expected and a suggestion. Checks: YAML and JSON syntax, unknown keys and wrong types (with did-you-mean), duplicate ids, dangling references (stages, personas, improves, goal, free-lane cards), emotions outside the map's scale, empty stages, invalid match rules (globs, regular expressions, operators) and future maps without their current map.

            Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error.

            Examples:
              wayfinder validate wayfinder-workspace
              wayfinder validate maps/first-purchase.yaml --format json
            """
        )

        @OptionGroup var input: WorkspaceInput

        @Option(help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Flag(help: "Treat warnings as errors.")
        var strict = false

        func run() throws {
            let loaded = WorkspaceLoader.load(input.paths)
            let failed = loaded.diagnostics.hasErrors || (strict && !loaded.diagnostics.isEmpty)
            switch format {
            case .json:
                Console.out(ValidationReport(loaded: loaded, valid: !failed).json())
            case .text:
                Console.report(loaded.diagnostics)
                let workspace = loaded.workspace
                let touchpoints = workspace.journeys.reduce(0) { $0 + $1.touchpoints.count }
                let summary = [
                    Console.count(loaded.files.count, "file"), Console.count(workspace.personas.count, "persona"),
                    Console.count(workspace.journeys.count, "journey map"), Console.count(touchpoints, "touchpoint"),
                ].joined(separator: ", ") + ": \(Console.counts(loaded.diagnostics))"
                if failed {
                    Console.error(Console.paint("✗ invalid", "1;31") + " — \(summary)")
                } else {
                    Console.out(Console.paint("✓ valid", "1;32") + " — \(summary)")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// text or json.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The JSON form of a validation run.
struct ValidationReport: Encodable {
    struct Counts: Encodable {
        var files: Int
        var personas: Int
        var journeys: Int
        var touchpoints: Int
        var errors: Int
        var warnings: Int
    }

    var valid: Bool
    var counts: Counts
    var diagnostics: [Diagnostic]

    init(loaded: WorkspaceLoader.Loaded, valid: Bool) {
        self.valid = valid
        let errors = loaded.diagnostics.filter { $0.severity == .error }.count
        counts = Counts(files: loaded.files.count, personas: loaded.workspace.personas.count, journeys: loaded.workspace.journeys.count,
                        touchpoints: loaded.workspace.journeys.reduce(0) { $0 + $1.touchpoints.count },
                        errors: errors, warnings: loaded.diagnostics.count - errors)
        diagnostics = loaded.diagnostics
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
