import ArgumentParser
import Foundation
import JourneyModel
import JourneyRender

extension Wayfinder {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a journey map as SVG or HTML, or export it as Markdown, CSV, Mermaid, JSON or YAML.",
            discussion: """
            Formats:
              svg      the classic journey map: personas, stages, lanes, emotion curve, markers, legend
              html     one self-contained page with the map and persona cards; prints on A3 landscape
              md       Markdown tables per stage, for wikis and pull requests
              csv      one row per card, for spreadsheets
              mermaid  a Mermaid 'journey' diagram (emotion mapped to Mermaid's 1-5 score)
              json     the workspace (or with --journey, that map and its personas) as JSON
              yaml     the same as YAML

            Examples:
              wayfinder render maps --format html --out map.html
              wayfinder render maps --journey first-purchase --format svg --out map.svg
              wayfinder render maps --compare first-purchase-future --format svg --out compare.svg
            """
        )

        @OptionGroup var input: WorkspaceInput

        @Option(name: .shortAndLong, help: "The journey map to render (default: the first current-state map).")
        var journey: String?

        @Option(name: .shortAndLong, help: "svg, html, md, csv, mermaid, json or yaml.")
        var format: RenderFormat = .svg

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var out: String?

        @Option(help: ArgumentHelp("Draw this future-state map beside the map it improves (svg and html).", valueName: "future-id"))
        var compare: String?

        func validate() throws {
            if compare != nil, ![.svg, .html].contains(format) {
                throw ValidationError("--compare draws two maps side by side; use it with --format svg or --format html.")
            }
        }

        func run() throws {
            let loaded = try input.load()
            let workspace = loaded.workspace
            var map = try loaded.journey(journey)
            var future: JourneyMap?
            if let compare {
                let other = try loaded.journey(compare)
                guard other.state == .future, let improves = other.improves else {
                    throw CommandFailure(message: "'\(compare)' is not a future-state map; --compare takes the id of a map with 'state: future' and 'improves:'")
                }
                if journey == nil { map = try loaded.journey(improves) }
                future = other
            }
            let options = JourneyMapRenderer.Options(photos: [.svg, .html].contains(format) ? loaded.photoURLs() : [:])
            let text: String
            if journey == nil, format == .json || format == .yaml {
                text = WorkspaceCodec.text(workspace, syntax: format == .json ? .json : .yaml)
            } else {
                text = MapExport.text(map, in: workspace, format: MapExport.Format(rawValue: format.rawValue) ?? .svg, compareWith: future, options: options)
            }
            try Output.write(text, to: out)
            if let out { Console.error("Wrote \(out) (\(ByteCount.text(text.utf8.count))).") }
        }
    }
}

/// The output formats of `render`.
enum RenderFormat: String, ExpressibleByArgument, CaseIterable {
    case svg, html, md, csv, mermaid, json, yaml
}

/// Writing results to a file or standard output.
enum Output {
    static func write(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            Console.write(Data(text.utf8))
            return
        }
        do {
            try WorkspaceWriter.writeAtomically(text, to: path)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}
