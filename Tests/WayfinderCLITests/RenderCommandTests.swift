import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder render")
struct RenderCommandTests {
    @Test("each format renders to --out and to stdout, identically", arguments: renderFormats)
    func renderFormat(_ format: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace("retail", in: directory)
            let toFile = try await wayfinder("render", "ws", "--format", format, "--out", "map.\(format)", in: directory)
            #expect(toFile.status == 0, "\(toFile)")
            #expect(toFile.stdout.isEmpty, "\(toFile)")
            #expect(toFile.stderr.hasPrefix("Wrote map.\(format) ("), "\(toFile)")
            let written = try #require(directory.read("map.\(format)"))
            #expect(!written.isEmpty)

            let toStdout = try await wayfinder("render", "ws", "--format", format, in: directory)
            #expect(toStdout.status == 0, "\(toStdout)")
            #expect(toStdout.stderr.isEmpty, "\(toStdout)")
            #expect(toStdout.stdout == written, "--out and stdout differ")

            try await Self.checkContent(format, written, in: directory)
        }
    }

    /// Format-specific checks on a rendering of the retail template.
    static func checkContent(_ format: String, _ text: String, in directory: TemporaryDirectory) async throws {
        switch format {
        case "svg":
            let xml = parseXML(text)
            #expect(xml.ok, "the SVG is not well-formed XML: \(xml.error ?? "")")
            #expect(xml.root == "svg")
            #expect(text.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(text.contains("Awareness") && text.contains("Advocacy"))
        case "html":
            #expect(text.hasPrefix("<!DOCTYPE html>") || text.lowercased().hasPrefix("<!doctype html>"))
            #expect(text.contains("<svg"))
            checkSelfContained(text)
        case "md":
            #expect(text.hasPrefix("# "))
            #expect(text.contains("\n|"), "no Markdown table")
        case "csv":
            let records = parseCSV(text)
            let header = try #require(records.first)
            #expect(header.count >= 3, "\(header)")
            #expect(records.count > 10)
            for (index, record) in records.enumerated() {
                #expect(record.count == header.count, "CSV record \(index) has \(record.count) fields, the header \(header.count)")
            }
        case "mermaid":
            #expect(text.hasPrefix("journey\n"))
            #expect(text.contains("    section Awareness"))
        case "json", "yaml":
            if format == "json" { _ = try jsonObject(text) }
            // The exported workspace is itself valid and the same as the original.
            try directory.write(text, to: "export.\(format)")
            let validation = try await wayfinder("validate", "export.\(format)", in: directory)
            #expect(validation.status == 0, "\(validation)")
            #expect(validation.stdout.hasPrefix("✓ valid — 1 file, 3 personas, 2 journey maps"), "\(validation)")
            let diff = try await wayfinder("diff", "ws", "export.\(format)", in: directory)
            #expect(diff.stdout == "No changes.\n", "\(diff)")
        default:
            Issue.record("no checks for \(format)")
        }
    }

    /// No `src`, `href`, CSS `url()` or `@import` points outside the page; the only URL allowed is the SVG namespace.
    static func checkSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = /(?i)(src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(https?:)?\/\//
        #expect(html.firstMatch(of: reference) == nil, "the page loads \(html.firstMatch(of: reference).map { String($0.output.0) } ?? "")",
                sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /(?i)url\(\s*["']?\s*(https?:)?\/\//) == nil, "CSS loads a remote URL", sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /(?i)@import/) == nil, sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /(?i)<link[^>]+rel\s*=\s*["']?stylesheet/) == nil, sourceLocation: sourceLocation)
        #expect(html.firstMatch(of: /(?i)<script[^>]+src\s*=/) == nil, sourceLocation: sourceLocation)
        let urls = html.matches(of: /https?:\/\/[^\s"'<>)]+/).map { String($0.output) }
        let allowed: Set = ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml"]
        #expect(urls.allSatisfy { allowed.contains($0) }, "URLs other than XML namespaces: \(Set(urls).subtracting(allowed))",
                sourceLocation: sourceLocation)
    }

    @Test("svg and html render for every template", arguments: templateNames)
    func everyTemplate(_ template: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(template, in: directory)
            let svg = try await wayfinder("render", "ws", "--format", "svg", in: directory)
            #expect(svg.status == 0, "\(svg)")
            let xml = parseXML(svg.stdout)
            #expect(xml.ok && xml.root == "svg", "\(xml.error ?? "")")
            let html = try await wayfinder("render", "ws", "--format", "html", in: directory)
            #expect(html.status == 0, "\(html)")
            Self.checkSelfContained(html.stdout)
        }
    }

    @Test("--compare draws the future map beside the current one", arguments: templateNames)
    func compare(_ template: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(template, in: directory)
            let maps = try await journeys(of: "ws", in: directory)
            let future = try #require(maps.first { $0.state == "future" }, "the \(template) template has no future-state map")
            let current = try #require(maps.first { $0.id == future.improves })

            let svg = try await wayfinder("render", "ws", "--compare", future.id, "--out", "compare.svg", in: directory)
            #expect(svg.status == 0, "\(svg)")
            let text = try #require(directory.read("compare.svg"))
            let xml = parseXML(text)
            #expect(xml.ok && xml.root == "svg", "\(xml.error ?? "")")
            let single = try await wayfinder("render", "ws", "--journey", current.id, "--format", "svg", in: directory)
            #expect(single.status == 0)
            #expect(text != single.stdout, "the comparison is just the current map")

            let html = try await wayfinder("render", "ws", "--compare", future.id, "--format", "html", in: directory)
            #expect(html.status == 0, "\(html)")
            Self.checkSelfContained(html.stdout)
        }
    }

    @Test("--compare with a format other than svg or html is a usage error", arguments: ["csv", "md", "json"])
    func compareNeedsPicture(_ format: String) async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(in: directory)
            let output = try await wayfinder("render", "ws", "--compare", "first-purchase-future", "--format", format, "--out", "x", in: directory)
            #expect(output.status == 2, "\(output)")
            #expect(output.stderr.contains("use it with --format svg or --format html"), "\(output)")
            #expect(!directory.exists("x"), "nothing may be written on a usage error")
        }
    }

    @Test("--compare with a current-state map fails")
    func compareCurrent() async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(in: directory)
            let current = try #require(try await journeys(of: "ws", in: directory).first { $0.state == "current" })
            let output = try await wayfinder("render", "ws", "--compare", current.id, in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderr.contains("'\(current.id)' is not a future-state map"), "\(output)")
        }
    }

    @Test("an unknown journey id fails with a did-you-mean")
    func unknownJourney() async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace(in: directory)
            let current = try #require(try await journeys(of: "ws", in: directory).first { $0.state == "current" })
            let typo = String(current.id.dropLast())
            let output = try await wayfinder("render", "ws", "--journey", typo, "--out", "map.svg", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stdout.isEmpty)
            #expect(output.stderr == "no journey map '\(typo)'; did you mean '\(current.id)'?\n", "\(output)")
            #expect(!directory.exists("map.svg"))
        }
    }

    @Test("--journey selects one map and its personas for json")
    func journeyJSON() async throws {
        try await withTemporaryDirectory { directory in
            try await initWorkspace("saas", in: directory)
            let maps = try await journeys(of: "ws", in: directory)
            let future = try #require(maps.first { $0.state == "future" })
            let output = try await wayfinder("render", "ws", "--journey", future.id, "--format", "json", in: directory)
            #expect(output.status == 0, "\(output)")
            let root = try jsonObject(output.stdout)
            let selected = try #require(root["journeys"] as? [[String: Any]])
            #expect(selected.map { $0["id"] as? String } == [future.id])
        }
    }

    @Test("render of a broken workspace fails and lists the errors")
    func brokenWorkspace() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("version: 1\njourneys: 3\n", to: "bad.yaml")
            let output = try await wayfinder("render", "bad.yaml", "--out", "map.svg", in: directory)
            #expect(output.status == 1, "\(output)")
            #expect(output.stderrLines.first?.hasPrefix("bad.yaml:2:11: error: ") == true, "\(output)")
            #expect(output.stderr.contains("run 'wayfinder validate bad.yaml' after fixing them"), "\(output)")
            #expect(!directory.exists("map.svg"))
        }
    }

    @Test("an extreme but valid emotion scale renders without crashing", arguments: ["svg", "html", "mermaid"])
    func extremeScale(_ format: String) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write("""
                version: 1
                journeys:
                  - id: wide
                    title: Wide
                    emotion_scale: { min: -1e308, max: 1e308 }
                    stages: [{ id: awareness, name: Awareness }]
                    touchpoints:
                      - { id: ad, name: Sees an ad, stage: awareness, channel: social, emotion: 1e308 }
                      - { id: site, name: Visits the site, stage: awareness, channel: web, emotion: -1 }
                    goal: site

                """, to: "wide.yaml")
            let validation = try await WayfinderProcess.run(["validate", "wide.yaml"], in: directory.path)
            let render = try await WayfinderProcess.run(["render", "wide.yaml", "--format", format], in: directory.path)
            // Either the validator refuses the scale, or the map renders; a crash is never right.
            let firstLine = render.stderrLines.first ?? ""
            #expect(!render.hasCrashMarks, "render --format \(format) crashed: \(firstLine)")
            #expect(validation.status == 1 && validation.stderr.contains("range is too large"), "\(validation)")
            #expect(render.status == 1, "render --format \(format) exited with \(render.status)")
        }
    }
}
