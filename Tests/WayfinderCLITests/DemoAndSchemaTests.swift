import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder demo and schema")
struct DemoAndSchemaTests {
    static let demoFiles = ["map.html", "map.svg", "map.md", "map.csv", "compare.html", "report.html"]

    @Test("demo writes the example and says where")
    func demo() async throws {
        try await withTemporaryDirectory { directory in
            let output = try await wayfinder("demo", "--no-serve", in: directory)
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
            let output = try await wayfinder("demo", "--customers", "300", "--no-serve", in: directory)
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
            // "• Conversion: P% of the N customers reached the goal, NAME (C customers)." with the planted goal customers,
            // and "• Reached Advocacy: P% of the N customers who reached Awareness …" with the planted funnel.
            let goal = try #require(truth["goal"] as? [String: Any])
            let converted = try #require(goal["customers"] as? Int)
            let goalName = try #require(touchpoints.first { $0["id"] as? String == goal["touchpoint"] as? String }?["name"] as? String)
            func percentText(_ part: Int, _ whole: Int) -> String {
                let percent = (Double(part) / Double(whole) * 1000).rounded() / 10
                return percent == percent.rounded() ? String(Int(percent)) : String(percent)
            }
            let conversion = try #require(output.stdoutLines.first { $0.contains("Conversion: ") })
            #expect(conversion.hasSuffix("Conversion: \(percentText(converted, customers))% of the \(customers) customers reached the goal, \(goalName) (\(converted) customers)."),
                    "\(conversion) against the planted \(converted)/\(customers)")
            let steps = try #require((truth["funnel"] as? [String: Any])?["steps"] as? [[String: Any]])
            let first = try #require(steps.first?["customers"] as? Int), last = try #require(steps.last?["customers"] as? Int)
            let reached = try #require(output.stdoutLines.first { $0.contains("Reached Advocacy: ") })
            #expect(reached.contains("Reached Advocacy: \(percentText(last, first))% of the \(first) customers who reached Awareness"), "\(reached) against the planted \(last)/\(first)")
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
            let output = try await wayfinder("demo", "--out", "elsewhere/a-rather-long-folder-name", "--no-serve", in: directory)
            #expect(output.status == 0, "\(output)")
            // Every path is listed whole, however long the folder's name.
            for file in Self.demoFiles + ["data/events.csv"] {
                #expect(output.stdout.contains("  elsewhere/a-rather-long-folder-name/\(file) "), "\(file) is not listed whole")
            }
            #expect(!output.stdout.contains("Starting the server"), "--no-serve starts no server")
            #expect(directory.files(under: "elsewhere").count > Self.demoFiles.count)
            // Not installed on PATH and not run from the package: the commands name the binary's own path.
            let binary = try WayfinderProcess.executableURL().resolvingSymlinksInPath().path
            let suggested = output.stdoutLines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix(binary + " ") }
            #expect(suggested.count == 6, "\(suggested)")
            for command in suggested {
                let arguments = command.dropFirst(binary.count).split(separator: " ").map(String.init)
                let run = try await wayfinder(arguments, in: directory)
                #expect(run.status == 0, "\(command)\n\(run)")
            }
        }
    }

    @Test("suggested commands name the command that works where the user is: wayfinder when PATH finds this binary, else its path")
    func suggestionsNameTheWorkingCommand() async throws {
        let directory = try TemporaryDirectory()
        let binary = try WayfinderProcess.executableURL().resolvingSymlinksInPath().path
        let elsewhere = try await wayfinder("init", "--template", "saas", "plain", in: directory)
        #expect(elsewhere.stdout.contains("\n  \(binary) validate plain\n"), "\(elsewhere.stdout)")
        // An installed copy: a link named wayfinder in a folder on PATH.
        try FileManager.default.createDirectory(atPath: directory.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path("bin/wayfinder"), withDestinationPath: binary)
        let path = directory.path("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        let installed = try await WayfinderProcess.run(["init", "--template", "saas", "onpath"], in: directory.path, environment: ["PATH": path])
        #expect(installed.status == 0 && installed.stdout.contains("\n  wayfinder validate onpath\n"), "\(installed)")
        // A wayfinder on PATH that is another program is not taken for this one.
        try FileManager.default.removeItem(atPath: directory.path("bin/wayfinder"))
        try directory.write("#!/bin/sh\n", to: "bin/wayfinder")
        chmod(directory.path("bin/wayfinder"), 0o755)
        let other = try await WayfinderProcess.run(["init", "--template", "saas", "other"], in: directory.path, environment: ["PATH": path])
        #expect(other.stdout.contains("\n  \(binary) validate other\n"), "\(other)")
        // Nor when it comes first on PATH and this one after it: the shell would run the other.
        try FileManager.default.createDirectory(atPath: directory.path("later"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path("later/wayfinder"), withDestinationPath: binary)
        let shadowed = try await WayfinderProcess.run(["init", "--template", "saas", "shadowed"], in: directory.path,
                                                      environment: ["PATH": directory.path("bin") + ":" + directory.path("later") + ":/usr/bin:/bin"])
        #expect(shadowed.stdout.contains("\n  \(binary) validate shadowed\n"), "\(shadowed)")
    }

    @Test("demo serves what it wrote: the printed account signs in, the map page shows the headlines the demo printed, an event sent with the printed key counts at the next reload, and Ctrl-C stops it cleanly")
    func demoServes() async throws {
        let directory = try TemporaryDirectory()
        let demo = try RunningWayfinder(["demo", "--customers", "300", "--port", "0"], in: directory.path)
        #expect(demo.waitFor("Press Ctrl-C", on: .output, seconds: 300), "the demo never said it serves: \(demo.text(.output))\n\(demo.text(.error))")
        let text = demo.text(.output)
        func after(_ prefix: String) throws -> String {
            let line = try #require(text.split(separator: "\n").first { $0.contains(prefix) }, "no line with '\(prefix)' in\n\(text)")
            return String(line[line.range(of: prefix)!.upperBound...].split(separator: " ")[0])
        }
        let base = String(try after("Wayfinder is serving the demo at ").dropLast())  // without the final slash
        let password = try after("Sign in as demo@localhost with the password ")
        let key = try after("curl -u '").replacingOccurrences(of: ":'", with: "")
        #expect(base.hasPrefix("http://127.0.0.1:"), "\(base)")
        #expect(try LoopbackHTTP.request("GET", base + "/health").status == 200)

        // Sign in through the form, as a browser does.
        let form = try LoopbackHTTP.request("GET", base + "/signin")
        let formCookie = try #require(form.cookies["wayfinder_signin"])
        let token = try #require(form.body.range(of: #"name="token" value="([^"]+)""#, options: .regularExpression).map { form.body[$0] })
            .replacingOccurrences(of: #"name="token" value=""#, with: "").dropLast()
        let mapPath = "/w/retail/maps/first-purchase"
        let wrong = try LoopbackHTTP.postForm(base + "/signin", [("token", String(token)), ("username", "demo@localhost"), ("password", password + "x"), ("next", mapPath)],
                                              headers: ["Cookie": "wayfinder_signin=\(formCookie)"])
        #expect(wrong.status == 401 && wrong.cookies["wayfinder_session"] == nil, "\(wrong)")
        let signedIn = try LoopbackHTTP.postForm(base + "/signin", [("token", String(token)), ("username", "demo@localhost"), ("password", password), ("next", mapPath)],
                                                 headers: ["Cookie": "wayfinder_signin=\(formCookie)"])
        #expect(signedIn.status == 303 && signedIn.header("location") == mapPath, "\(signedIn)")
        let session = try #require(signedIn.cookies["wayfinder_session"])
        let cookie = ["Cookie": "wayfinder_session=\(session)"]

        // The map page carries the headlines the demo printed from the same data.
        let map = try LoopbackHTTP.request("GET", base + mapPath, headers: cookie)
        #expect(map.status == 200, "\(map)")
        let headlines = text.split(separator: "\n").filter { $0.hasPrefix("  • ") }.map { $0.dropFirst(4) }
        #expect(headlines.count >= 4, "\(text)")
        func escaped(_ line: some StringProtocol) -> String {
            line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        for headline in headlines { #expect(map.body.contains("<li>\(escaped(headline))</li>"), "the map page lacks '\(headline)'") }
        let report = try LoopbackHTTP.request("GET", base + mapPath + "/report", headers: cookie)
        #expect(report.status == 200 && report.body.contains("<h2>Friction</h2>"), "\(report)")
        #expect(try LoopbackHTTP.request("GET", base + mapPath).status == 303, "no session, no map")

        // A new customer without traits matches no persona: the count of such customers grows by one.
        func unmatched(_ page: String) throws -> Int {
            let match = try #require(page.range(of: #"; [0-9,]+ match none"#, options: .regularExpression), "no persona coverage line")
            return Int(page[match].dropFirst(2).split(separator: " ")[0].replacingOccurrences(of: ",", with: ""))!
        }
        let before = try unmatched(map.body)
        let basic = "Basic " + Data("\(key):".utf8).base64EncodedString()
        let sent = try LoopbackHTTP.request("POST", base + "/v1/track", headers: ["Authorization": basic, "Content-Type": "application/json"],
                                            body: #"{"userId": "demo-test-visitor", "event": "Product Viewed", "properties": {"url": "/products/x", "size_guide_opened": true, "price": 95}}"#)
        #expect(sent.status == 200, "\(sent)")
        let reloaded = try LoopbackHTTP.request("GET", base + mapPath, headers: cookie)
        #expect(try unmatched(reloaded.body) == before + 1)

        let ending = demo.stop(SIGINT)
        #expect(ending.exited && ending.status == 0, "\(ending.error)")
        #expect(!ending.error.contains(password) && !ending.error.contains(key), "the secrets are printed once, never logged")
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
