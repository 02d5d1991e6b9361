import ArgumentParser
import JourneyModel

extension Wayfinder {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema or the key reference of the journey-as-code format.",
            discussion: """
            Point your editor's YAML language server at the schema for completion and checking as you type:
              wayfinder schema > wayfinder.schema.json
              # then, at the top of a map file:  # yaml-language-server: $schema=wayfinder.schema.json
            """
        )

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case json, markdown
        }

        @Option(help: "json (the JSON Schema) or markdown (the reference page).")
        var format: Kind = .json

        func run() {
            Console.out(format == .json ? JSONSchemaGenerator.json() : ReferenceGenerator.markdown())
        }
    }
}
