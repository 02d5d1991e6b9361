import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyAnalytics
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

@Suite("Option ranges over the API")
struct OptionRangeAPITests {
    /// JSON numbers out of every option's range, including ones no Double or Int holds.
    static let hostile = ["1e308", "-1e308", "1e309", "-1e309", "1e999", "9223372036854775808", "-9223372036854775809"]

    /// `hostile`, the numbers just outside `range`, and -0 when the range leaves out 0.
    static func refused(_ range: OptionRange) -> [String] {
        let below = range.includesLower ? range.lower - 1 : range.lower
        return hostile + ["\(range.upper + 1)", "\(below)"] + (range.contains(0) ? [] : ["-0"])
    }

    @Test("an analysis with a number out of range answers 400 naming the option and its range, over a key and over a share link alike",
          arguments: Options.numericRanges)
    func analyses(_ range: OptionRange) async throws {
        let harness = try await APIHarness()
        let map = harness.mapID, read = harness.base.read
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let share = try await client.call(.post, "/api/v1/workspaces/shop/maps/\(map)/shares", json(["expires": "2099-01-01T00:00:00Z"]), as: editor)
            let token = try #require(share["token"] as? String, "\(share)")
            for literal in Self.refused(range) {
                let body = #"{"kind": "paths", "journey": "\#(map)", "options": {"sankey_from": "creator-reel", "\#(range.key)": \#(literal)}}"#
                for path in ["/api/v1/workspaces/shop/analyses", "/api/v1/shared/\(token)/analyses"] {
                    let answer = try await client.call(.post, path, body, as: path.contains("shared") ? .none : .key(read))
                    #expect(answer.status == 400, "\(range.key) = \(literal) on \(path): \(answer)")
                    #expect(answer.errorCode == "invalid_query", "\(answer)")
                    #expect(answer.text.contains("options.\(range.key)") && answer.text.contains(range.expected), "\(range.key) = \(literal): \(answer)")
                }
            }
            // The server still answers, and a query in range runs.
            let fine = #"{"kind": "funnel", "journey": "\#(map)", "options": {"window_days": 3650}}"#
            #expect(try await client.call(.post, "/api/v1/shared/\(token)/analyses", fine, as: .none).status == 200)
        }
    }

    @Test("the OpenAPI document gives each numeric option and a stage-stay rule's days their ranges")
    func openAPI() async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let schemas = try #require((try await client.get("/openapi.json")["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let query = try #require(schemas["Query"] as? [String: Any])
            let options = try #require(((query["properties"] as? [String: Any])?["options"] as? [String: Any])?["properties"] as? [String: [String: Any]])
            #expect(options["window_days"]?["exclusiveMinimum"] as? Double == 0 && options["window_days"]?["maximum"] as? Double == 3650)
            #expect(options["top"]?["type"] as? String == "integer" && options["top"]?["minimum"] as? Double == 0)
            #expect(Set(options.keys) == Set(Options.numericRanges.map(\.key)))
            let rule = try #require((schemas["NewAlertRule"] as? [String: Any])?["properties"] as? [String: [String: Any]])
            #expect(rule["days"]?["exclusiveMinimum"] as? Double == 0 && rule["days"]?["maximum"] as? Double == 3650)
        }
    }

    @Test("a stage-stay rule's days out of range answer 400 naming days", arguments: ["1e300", "1e308", "-1e308", "-0", "0", "9223372036854775808", "3650.5", "1e309"])
    func alertDays(_ literal: String) async throws {
        let harness = try await APIHarness()
        let map = harness.mapID
        try await harness.test { client in
            let admin = try await client.signIn("admin@localhost")
            let body = #"{"map": "\#(map)", "kind": "stage-stay", "url": "https://hooks.example.com/h", "days": \#(literal)}"#
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/alerts", body, as: admin)
            #expect(answer.status == 400, "\(answer)")
            #expect(answer.text.contains(literal == "1e309" ? "1e309" : "days"), "\(answer)")
            #expect((try await client.call(.get, "/api/v1/workspaces/shop/alerts", as: admin)["rules"] as? [Any])?.isEmpty == true)
        }
    }
}
