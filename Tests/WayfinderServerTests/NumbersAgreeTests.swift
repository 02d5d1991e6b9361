import CustomerData
import Foundation
import HTTPTypes
import JourneyModel
import JourneyRender
import JourneyStore
import Testing
import WayfinderTesting

/// Every number a page shows comes from the same library call as the CLI's and the API's: on the
/// demo's data, each headline and live number of the pages is checked against the JSON that
/// `wayfinder analyze KIND --format json` prints and the JSON API returns for the same analysis.
@Suite("One number everywhere")
struct NumbersAgreeTests {
    static let kinds = ["funnel", "friction", "emotions", "conformance", "personas", "touchpoints", "attribution"]

    /// A share as the headlines write it: `29.9%`, `70%`.
    static func percent(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 10
        return (scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)) + "%"
    }

    /// A number as the headlines write it: `30`, `0.98`.
    static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }

    /// Text as it reads once the HTML's character references are resolved.
    static func unescaped(_ html: String) -> String {
        [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"), ("&amp;", "&")]
            .reduce(html) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }

    /// The headline items of a page.
    static func headlines(_ html: String) -> [String] {
        guard let start = html.range(of: "<ul class=\"headlines\">"), let end = html.range(of: "</ul>", range: start.upperBound..<html.endIndex) else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<li>").dropFirst().map { item in
            unescaped(String(item.prefix { $0 != "<" }))
        }
    }

    /// Every capture of `pattern` (one group) in `text`, sorted.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }.sorted()
    }

    /// An analysis's JSON without what may differ between two runs: the time the index build took,
    /// and the order of the personas (the workspace files list them by name, the server as imported).
    static func comparable(_ object: [String: Any]) -> NSDictionary {
        var object = object
        if var index = object["index"] as? [String: Any] {
            index["seconds"] = nil
            object["index"] = index
        }
        if var personas = object["personas"] as? [String: Any], let rows = personas["personas"] as? [[String: Any]] {
            personas["personas"] = rows.sorted { ($0["id"] as? String ?? "") < ($1["id"] as? String ?? "") }
            object["personas"] = personas
        }
        return object as NSDictionary
    }

    @Test("each headline and live number of the map, report and persona pages equals the CLI's and the API's JSON for the same analysis")
    func pagesAgree() async throws {
        let harness = try await APIHarness()
        let data = try DemoData(into: try await harness.store.workspaceData("shop"), customers: 500)
        let workspace = WorkspaceTemplate.retail.workspace
        let map = try #require(workspace.journey(harness.mapID))
        _ = try WorkspaceWriter.write(workspace, to: data.directory.path("ws"))
        let arguments = ["--workspace", data.directory.path("ws"), "--db", harness.base.directory.path("store.db"), "--journey", map.id]

        var cli: [String: String] = [:]
        for kind in Self.kinds {
            let run = try await WayfinderProcess.run(["analyze", kind] + arguments + ["--format", "json"])
            #expect(run.status == 0, "\(run)")
            cli[kind] = run.stdout
        }
        let report = try await WayfinderProcess.run(["report"] + arguments + ["--out", data.directory.path("report.html")])
        #expect(report.status == 0, "\(report)")
        let printed = report.stdoutLines.filter { $0.hasPrefix("  • ") }.map { String($0.dropFirst(4)) }
        let cliOutput = cli

        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            var api: [String: [String: Any]] = [:]
            for kind in Self.kinds {
                let answer = try await client.call(.post, "/api/v1/workspaces/shop/analyses", json(["kind": kind, "journey": map.id]), as: .key(harness.base.read))
                #expect(answer.status == 200, "\(answer)")
                api[kind] = answer.json
                let printed = try #require(try JSONSerialization.jsonObject(with: Data((cliOutput[kind] ?? "").utf8)) as? [String: Any])
                #expect(Self.comparable(answer.json) == Self.comparable(printed), "\(kind): the API and the CLI differ")
            }
            let mapPage = try await client.call(.get, "/w/shop/maps/\(map.id)", as: viewer)
            let reportPage = try await client.call(.get, "/w/shop/maps/\(map.id)/report", as: viewer)
            let headlines = Self.headlines(mapPage.text)
            #expect(headlines.count >= 7)
            #expect(headlines == printed, "the map page and 'wayfinder report' print the same headlines")
            #expect(Self.headlines(reportPage.text) == headlines, "the report page too")

            // Each headline's numbers, from the JSON of the analysis it comes from.
            let personas = try #require(api["personas"]?["personas"] as? [String: Any])
            let funnel = try #require(api["funnel"]?["funnel"] as? [String: Any])
            let steps = try #require(funnel["steps"] as? [[String: Any]])
            let friction = try #require(api["friction"]?["friction"] as? [String: Any])
            let top = try #require((friction["findings"] as? [[String: Any]])?.first)
            let emotions = try #require(api["emotions"]?["emotions"] as? [String: Any])
            let lowPoint = try #require(emotions["low_point"] as? String)
            let lowRow = try #require((emotions["touchpoints"] as? [[String: Any]])?.first { $0["id"] as? String == lowPoint })
            let lowMeasured = try #require(lowRow["measured"] as? [String: Any])
            let conformance = try #require(api["conformance"]?["conformance"] as? [String: Any])
            let attribution = try #require(api["attribution"]?["attribution"] as? [String: Any])
            let earners = try #require(attribution["rows"] as? [[String: Any]]).prefix(2)
            let index = try #require(api["personas"]?["index"] as? [String: Any])
            let rows = try #require(personas["personas"] as? [[String: Any]])
            let worst = try #require(steps.dropFirst().filter { $0["from_previous"] is Double }.min { ($0["from_previous"] as! Double) < ($1["from_previous"] as! Double) })
            let classified = try #require(index["classified"] as? Int), interactions = try #require(index["unclassified_interactions"] as? Int)
            let other = try #require(index["not_journey_events"] as? [String: Int])
            func signed(_ value: Double) -> String {
                let rounded = (value * 100).rounded() / 100
                return (rounded > 0 ? "+" : "") + String(rounded)
            }
            let expected: [(marker: String, numbers: [String])] = [
                ("Conversion: ", [Self.percent(try #require(personas["conversion"] as? Double)), "of the \(try #require(personas["with_events"] as? Int)) customers",
                                  "(\(try #require(personas["converted"] as? Int)) customers)"]),
                ("Reached \(try #require(map.stages.last?.name)): ", [Self.percent(try #require(funnel["reached_last"] as? Double)),
                                                                    "of the \(try #require(steps.first?["customers"] as? Int)) customers",
                                                                    "within \(Self.number(try #require(funnel["window_days"] as? Double))) days"]),
                ("Biggest drop: ", [Self.percent(1 - (worst["from_previous"] as! Double)), "(\(try #require(worst["drop_off"] as? Int)) customers)"]),
                ("Top friction point: ", ["\(try #require(top["customers"] as? Int)) ", "(\(Self.percent(try #require(top["rate"] as? Double))) against \(Self.percent(try #require(top["baseline_rate"] as? Double)))",
                                          "about \(Int((try #require(top["conversions_lost"] as? Double)).rounded())) conversions lost"]),
                ("Emotional low point: ", ["measured \(signed(try #require(lowMeasured["mean"] as? Double)))", "from \(try #require(lowMeasured["count"] as? Int)) answers"]),
                ("follow the map's stage order", [Self.percent(try #require(conformance["share"] as? Double)),
                                                  "mean fitness \(Self.number(((try #require(conformance["mean_fitness"] as? Double)) * 100).rounded() / 100))"]),
                ("Channels that earn the goal (Markov attribution): ", earners.map { "\($0["name"] as? String ?? "?") \(Self.percent($0["share"] as? Double ?? -1))" }
                    + ["of the \(try #require(attribution["conversions"] as? Int)) customers who reached it"]),
                ("Personas describe ", [Self.percent(Double(try #require(personas["matched"] as? Int)) / Double(try #require(personas["customers"] as? Int))),
                                        "\(try #require(rows.first { $0["id"] as? String == "none" }?["customers"] as? Int)) match none"]),
                ("fall on the map", [Self.percent(Double(classified) / Double(classified + interactions)),
                                     "\(try #require((index["top_unclassified"] as? [[String: Any]])?.first?["name"] as? String))'",
                                     "\(try #require(other["identify"])) identify"]),
            ]
            for (marker, numbers) in expected {
                let line = try #require(headlines.first { $0.contains(marker) }, "no headline with '\(marker)' in \(headlines)")
                for number in numbers { #expect(line.contains(number), "'\(number)' expected in: \(line)") }
            }
            #expect(headlines.allSatisfy { line in expected.contains { line.contains($0.marker) } }, "every headline is checked: \(headlines)")

            // The map's live numbers under each touchpoint: the touchpoints and emotions analyses.
            let start = try #require(mapPage.text.range(of: "<section class=\"map\""))
            let svg = String(mapPage.text[start.lowerBound...])
            let touchpoints = try #require(api["touchpoints"]?["touchpoints"] as? [String: Any])
            let touchpointRows = try #require(touchpoints["touchpoints"] as? [[String: Any]])
            #expect(try Self.captures(#">([0-9,]+) customers</text>"#, in: svg) == touchpointRows.map { ChartFormat.count($0["visitors"] as? Int ?? -1) }.sorted())
            #expect(try Self.captures(#">([0-9.]+%) reach the goal</text>"#, in: svg)
                    == touchpointRows.compactMap { ($0["conversion"] as? Double).map { ChartFormat.percent($0) } }.sorted())
            let measured = (emotions["touchpoints"] as? [[String: Any]] ?? []).compactMap { $0["measured"] as? [String: Any] }
            #expect(try Self.captures(#">feels (-?[0-9.]+ \(n=[0-9]+\))</text>"#, in: svg)
                    == measured.map { "\(ChartFormat.decimal($0["mean"] as? Double ?? .nan, digits: 2)) (n=\($0["count"] as? Int ?? -1))" }.sorted())

            // Each persona page: the personas analysis of the map.
            for row in rows where row["id"] as? String != "none" {
                let id = try #require(row["id"] as? String)
                let page = Self.unescaped(try await client.call(.get, "/w/shop/personas/\(id)", as: viewer).text)
                #expect(page.contains("\(ChartFormat.count(row["customers"] as? Int ?? -1)) customers match this persona (\(ChartFormat.percent(row["share"] as? Double ?? .nan)) of all)"), "\(id)")
                #expect(page.contains("\(map.title): \(ChartFormat.percent(row["conversion"] as? Double ?? .nan)) of the \(ChartFormat.count(row["with_events"] as? Int ?? -1)) with an event"), "\(id)")
            }
        }
    }
}
