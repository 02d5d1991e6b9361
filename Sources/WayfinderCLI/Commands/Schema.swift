import ArgumentParser
import JourneyModel
import WayfinderServer

extension Wayfinder {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema or the key reference of the journey-as-code format, or the server's security matrix and limits.",
            discussion: """
            Point your editor's YAML language server at the schema for completion and checking as you type:
              wayfinder schema > wayfinder.schema.json
              # then, at the top of a map file:  # yaml-language-server: $schema=wayfinder.schema.json
            Who may call each route of 'wayfinder serve', and the server's input limits and timeouts,
            as docs/security.md shows them:
              wayfinder schema --format security-matrix
              wayfinder schema --format security-limits
            """
        )

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case json, markdown
            case securityMatrix = "security-matrix"
            case securityLimits = "security-limits"
        }

        @Option(help: "json (the JSON Schema), markdown (the reference page), security-matrix (who may call each server route) or security-limits (the server's limits and timeouts).")
        var format: Kind = .json

        func run() {
            switch format {
            case .json: Console.out(JSONSchemaGenerator.json())
            case .markdown: Console.out(ReferenceGenerator.markdown())
            case .securityMatrix: Console.out(SecurityMatrix.markdown())
            case .securityLimits: Console.out(SecurityLimits.markdown())
            }
        }
    }
}
