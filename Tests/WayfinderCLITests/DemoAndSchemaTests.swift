import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder demo and schema")
struct DemoAndSchemaTests {
    static let demoFiles = ["map.html", "map.svg", "map.md", "map.csv", "compare.html", "report.html"]

    @Test("demo writes the example and says where")
    func demo() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("demo", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(output.stderr.isEmpty, "\(output)")
            #expect(output.stdoutLines.first?.hasPrefix("Wayfinder demo: ") == true)
            #expect(output.stdout.contains("Wrote the workspace to wayfinder-demo/workspace/"))
            for file in Self.demoFiles {
                #expect(output.stdout.contains("  wayfinder-demo/\(file) "), "\(file) is not listed")
                #expect(directory.exists("wayfinder-demo/\(file)"), "\(file) was not written")
            }
            #expect(output.stdout.contains("Open wayfinder-demo/report.html and wayfinder-demo/map.html in a browser."))
            #expect(directory.exists("wayfinder-demo/workspace/wayfinder.yaml"))

            let svg = try #require(directory.read("wayfinder-demo/map.svg"))
            #expect(parseXML(svg).ok)
            RenderCommandTests.checkSelfContained(try #require(directory.read("wayfinder-demo/map.html")))
            RenderCommandTests.checkSelfContained(try #require(directory.read("wayfinder-demo/compare.html")))
            let report = try #require(directory.read("wayfinder-demo/report.html"))
            RenderCommandTests.checkSelfContained(report)
            for heading in ["Funnel", "Friction", "Paths", "Emotions", "Directly-follows graph", "Does the map describe reality?", "Persona coverage"] {
                #expect(report.contains("<h2>\(heading)</h2>"), "report.html has no \(heading) section")
            }
            let validation = try await wayfinder("validate", "wayfinder-demo/workspace", in: directory)
            #expect(validation.status == 0, "\(validation)")
        }
    }

    @Test("the demo's headline numbers agree with the map's JSON, the planted truth and the store")
    func demoNumbers() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("demo", "--customers", "300", in: directory)
            #expect(output.status == 0, "\(output)")
            func numbers(inLineStarting prefix: String) -> [Int] {
                let line = output.stdoutLines.first { $0.hasPrefix(prefix) } ?? ""
                return line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            }
            // "Journey '…': 5 stages, 15 touchpoints on 11 channels, 18 pain points."
            let map = try await wayfinder("render", "wayfinder-demo/workspace", "--journey", "first-purchase", "--format", "json", in: directory)
            let workspace = try #require(try JSONSerialization.jsonObject(with: Data(map.stdout.utf8)) as? [String: Any])
            let journey = try #require((workspace["journeys"] as? [[String: Any]])?.first)
            let touchpoints = try #require(journey["touchpoints"] as? [[String: Any]])
            let expectedMap = [(journey["stages"] as? [Any])?.count ?? -1, touchpoints.count,
                               Set(touchpoints.compactMap { $0["channel"] as? String }).count,
                               touchpoints.reduce(0) { $0 + (($1["pain_points"] as? [Any])?.count ?? 0) }]
            #expect(numbers(inLineStarting: "Journey '").suffix(4) == ArraySlice(expectedMap))
            // "Data: generated E events of C customers; imported E events, stitched into C customers, Q quarantined."
            let truthText = try #require(directory.read("wayfinder-demo/data/truth.json"))
            let truth = try #require(try JSONSerialization.jsonObject(with: Data(truthText.utf8)) as? [String: Any])
            let events = try #require(truth["events"] as? Int), customers = try #require(truth["customers"] as? Int)
            #expect(customers == 300)
            let stored = try await wayfinder("customers", "--db", "wayfinder-demo/wayfinder.db", "--format", "json", "--limit", "1", in: directory)
            let page = try #require(try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])
            #expect(numbers(inLineStarting: "Data: ") == [events, customers, events, page["total"] as? Int ?? -1, 0])
            // "• Conversion: P% of the N customers who reached Awareness went on to Advocacy within 30 days."
            let steps = try #require((truth["funnel"] as? [String: Any])?["steps"] as? [[String: Any]])
            let first = try #require(steps.first?["customers"] as? Int), last = try #require(steps.last?["customers"] as? Int)
            let conversion = try #require(output.stdoutLines.first { $0.contains("Conversion: ") })
            let percent = (Double(last) / Double(first) * 1000).rounded() / 10
            let percentText = percent == percent.rounded() ? String(Int(percent)) : String(percent)
            #expect(conversion.contains("Conversion: \(percentText)% of the \(first) customers"), "\(conversion) against the planted \(last)/\(first)")
            // "• Top friction point: N customers leave at NAME (…)": a planted friction point, with its planted leavers.
            let friction = try #require(output.stdoutLines.first { $0.contains("Top friction point: ") })
            let planted = try #require(truth["friction"] as? [[String: Any]]).compactMap { point -> (name: String, left: Int)? in
                let id = point["touchpoint"] as? String
                guard let name = touchpoints.first(where: { $0["id"] as? String == id })?["name"] as? String,
                      let left = (point["realised"] as? [String: Any])?["left"] as? Int else { return nil }
                return (name, left)
            }
            #expect(planted.count == 2)
            #expect(planted.contains { friction.contains("Top friction point: \($0.left) customers leave at \($0.name) (") },
                    "\(friction) names no planted friction point of \(planted)")
        }
    }

    @Test("demo --out writes elsewhere, and the commands it suggests work")
    func demoSuggestions() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("demo", "--out", "elsewhere", in: directory)
            #expect(output.status == 0, "\(output)")
            #expect(directory.files(under: "elsewhere").count > Self.demoFiles.count)
            let suggested = output.stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("wayfinder ") }
            #expect(suggested.count == 6, "\(suggested)")
            for command in suggested {
                let arguments = command.split(separator: " ").dropFirst().map(String.init)
                let run = try await wayfinder(arguments, in: directory)
                #expect(run.status == 0, "\(command)\n\(run)")
            }
        }
    }

    @Test("schema prints the committed JSON Schema")
    func schemaJSON() async throws {
        let output = try await wayfinder("schema")
        #expect(output.status == 0, "\(output)")
        let committed = try String(contentsOf: packageRoot.appendingPathComponent("docs/schema/wayfinder-v1.schema.json"), encoding: .utf8)
        #expect(output.stdout == committed, "docs/schema/wayfinder-v1.schema.json is out of date; regenerate it with 'wayfinder schema'")
        let schema = try jsonObject(output.stdout)
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test("schema --format markdown prints the committed reference")
    func schemaMarkdown() async throws {
        let output = try await wayfinder("schema", "--format", "markdown")
        #expect(output.status == 0, "\(output)")
        let committed = try String(contentsOf: packageRoot.appendingPathComponent("docs/reference.md"), encoding: .utf8)
        #expect(output.stdout == committed, "docs/reference.md is out of date; regenerate it with 'wayfinder schema --format markdown'")
    }

    @Test("--help and --version work everywhere", arguments: ["", "demo", "init", "validate", "render", "diff", "schema"])
    func help(_ subcommand: String) async throws {
        let arguments = subcommand.isEmpty ? ["--help"] : [subcommand, "--help"]
        let output = try await wayfinder(arguments)
        #expect(output.status == 0, "\(output)")
        #expect(output.stdout.contains("USAGE: wayfinder"), "\(output)")
        if subcommand.isEmpty {
            let version = try await wayfinder("--version")
            #expect(version.status == 0)
            #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(version)")
        }
    }

    @Test("an unknown subcommand is a usage error")
    func unknownSubcommand() async throws {
        let output = try await wayfinder("serve-everything")
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("Unexpected argument 'serve-everything'"), "\(output)")
    }
}
