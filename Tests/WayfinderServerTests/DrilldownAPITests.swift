import CustomerData
import Foundation
import HTTPTypes
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The customers who passed a touchpoint and their verbatims through `POST …/analyses`: the rows
/// planted, as JSON and as CSV (asked by `Accept: text/csv` or `?format=csv`), paging refused
/// out of range naming the field, share links refused, and another workspace's customers never listed.
@Suite("Customers and verbatims through the API")
struct DrilldownAPITests {
    static let touchpoint = "product-page-sizing"

    /// Four customers at the size-guide touchpoint of the retail map: names that a spreadsheet would
    /// run or that need quoting, one named by e-mail only, one with no traits; one answer with text.
    static func plant(_ harness: APIHarness) async throws {
        func time(_ minute: Int) -> String { Timestamp.iso8601(1_767_225_600_000 + Int64(minute) * 60_000) }
        let visit: [String: Any] = ["url": "/products/trail-1", "size_guide_opened": true, "price": 80]
        var lines: [[String: Any]] = [
            ["type": "identify", "userId": "e1", "traits": ["name": "=HYPERLINK(\"http://x\")"], "timestamp": time(0)],
            ["type": "identify", "userId": "e2", "traits": ["first_name": "Ann, Jo", "last_name": "Lee"], "timestamp": time(0)],
            ["type": "identify", "userId": "e3", "traits": ["email": "e3@example.com"], "timestamp": time(0)],
            ["type": "feedback", "userId": "e2", "timestamp": time(30),
             "properties": ["metric": "csat", "score": 2, "text": "Too \"small\", sadly", "touchpoint": touchpoint]],
        ]
        for (user, minutes) in [("e1", [5, 9]), ("e2", [6]), ("e3", [7]), ("e4", [8])] {
            for minute in minutes { lines.append(["type": "track", "event": "Product Viewed", "userId": user, "properties": visit, "timestamp": time(minute)]) }
        }
        let directory = try TemporaryDirectory()
        let path = try directory.write(lines.map(json).joined(separator: "\n") + "\n", to: "planted.ndjson")
        _ = try Importer(data: try await harness.store.workspaceData("shop")).importFile(path)
    }

    static func query(_ kind: String, _ options: [String: Any] = [:], map: String) -> String {
        json(["kind": kind, "journey": map, "options": options.merging(["touchpoint": touchpoint]) { given, _ in given }])
    }

    @Test("the customers and verbatims planted, as JSON and as CSV (Accept or ?format=csv) with quoting and the formula guard, paged")
    func plantedRows() async throws {
        let harness = try await APIHarness()
        try await Self.plant(harness)
        let map = harness.mapID
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let path = "/api/v1/workspaces/shop/analyses"
            let answer = try await client.call(.post, path, Self.query("customers", ["order": "customer", "descending": false], map: map), as: viewer)
            #expect(answer.status == 200, "\(answer)")
            let list = try #require(answer.json["customers"] as? [String: any Sendable])
            let rows = try #require(list["customers"] as? [[String: any Sendable]])
            #expect(list["total"] as? Int == 4 && rows.count == 4)
            // With no limit, the JSON answer is the first page of the default size (said in the query it echoes).
            let echoed = (answer.json["query"] as? [String: any Sendable])?["options"] as? [String: any Sendable]
            #expect(echoed?["limit"] as? Int == AnalysisRoutes.defaultListPage)
            #expect(rows.map { $0["name"] as? String } == ["=HYPERLINK(\"http://x\")", "Ann, Jo Lee", "e3@example.com", nil])
            #expect(rows.map { $0["visits"] as? Int } == [2, 1, 1, 1])
            #expect(rows[0]["first_visit"] as? String == "2026-01-01T00:05:00Z" && rows[0]["last_visit"] as? String == "2026-01-01T00:09:00Z")
            let ids = rows.compactMap { $0["id"] as? String }

            let csv = try await client.call(.post, path, Self.query("customers", ["order": "customer", "descending": false], map: map), as: viewer,
                                            headers: [.accept: "text/csv"])
            #expect(csv.status == 200 && csv.headers[.contentType]?.hasPrefix("text/csv") == true, "\(csv)")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"\(map)-customers-\(Self.touchpoint).csv\"")
            let lines = csv.text.components(separatedBy: "\r\n").dropLast()
            #expect(lines.first == "customer,name,persona,first_visit,last_visit,visits,reached_goal,goal_at")
            #expect(lines.count == 1 + 4)
            #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == ids)
            #expect(lines.dropFirst().first?.hasPrefix("\(ids[0]),\"'=HYPERLINK(\"\"http://x\"\")\",,2026-01-01T00:05:00Z,2026-01-01T00:09:00Z,2,false,") == true, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("\(ids[1]),\"Ann, Jo Lee\",") })
            let asked = try await client.call(.post, path + "?format=csv", Self.query("customers", ["order": "customer", "descending": false], map: map), as: viewer)
            #expect(asked.text == csv.text)
            let json = try await client.call(.post, path + "?format=json", Self.query("customers", [:], map: map), as: viewer, headers: [.accept: "text/csv"])
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            let wrong = try await client.call(.post, path + "?format=xml", Self.query("customers", [:], map: map), as: viewer)
            #expect(wrong.status == 400 && wrong.errorMessage?.hasPrefix("format:") == true, "\(wrong)")

            let page = try await client.call(.post, path, Self.query("customers", ["order": "customer", "descending": false, "limit": 2, "offset": 1], map: map), as: viewer)
            let paged = try #require(page.json["customers"] as? [String: any Sendable])
            #expect(paged["total"] as? Int == 4 && paged["offset"] as? Int == 1 && paged["limit"] as? Int == 2)
            #expect((paged["customers"] as? [[String: any Sendable]])?.compactMap { $0["id"] as? String } == Array(ids[1...2]))

            let said = try await client.call(.post, path, Self.query("verbatims", [:], map: map), as: viewer)
            let verbatims = try #require(said.json["verbatims"] as? [String: any Sendable])
            let only = try #require((verbatims["verbatims"] as? [[String: any Sendable]])?.first)
            #expect(verbatims["total"] as? Int == 1 && only["text"] as? String == "Too \"small\", sadly" && only["score"] as? Double == 2)
            #expect(only["metric"] as? String == "csat" && only["name"] as? String == "Ann, Jo Lee" && only["named"] as? Bool == true)
            let saidCSV = try await client.call(.post, path + "?format=csv", Self.query("verbatims", [:], map: map), as: viewer)
            #expect(saidCSV.text.hasPrefix("time,customer,name,persona,metric,score,sentiment,polarity,named,text\r\n2026-01-01T00:30:00Z,\(ids[1]),\"Ann, Jo Lee\",,csat,2,"))
            #expect(saidCSV.text.hasSuffix(",true,\"Too \"\"small\"\", sadly\"\r\n"), "\(saidCSV.text)")
        }
    }

    @Test("paging out of range, not a number, or no touchpoint answers 400 naming the field", arguments: [
        (["limit": -1] as [String: any Sendable], "options.limit"), (["limit": "ten"], "options.limit"), (["limit": 1e30], "options.limit"),
        (["offset": -1], "options.offset"), (["offset": 1e300], "options.offset"), (["touchpoint": ""], "options.touchpoint"),
        (["order": "random"], "options.order"),
    ])
    func hostilePaging(options: [String: any Sendable], field: String) async throws {
        let harness = try await APIHarness()
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            for kind in ["customers", "verbatims"] {
                let answer = try await client.call(.post, "/api/v1/workspaces/shop/analyses", Self.query(kind, options, map: harness.mapID), as: viewer)
                #expect(answer.status == 400 && answer.errorMessage?.contains(field) == true, "\(kind) \(options): \(answer)")
            }
            let unknown = try await client.call(.post, "/api/v1/workspaces/shop/analyses", Self.query("customers", ["touchpoint": "nowhere"], map: harness.mapID), as: viewer)
            #expect(unknown.status == 422 && unknown.errorMessage?.hasPrefix("options.touchpoint") == true, "\(unknown)")
        }
    }

    @Test("next best through the API: the customers at risk with their names, one customer by id, and as CSV with the formula guard")
    func nextBest() async throws {
        let harness = try await APIHarness()
        try await Self.plant(harness)
        try await harness.test { client in
            let viewer = try await client.signIn("viewer@example.com")
            let path = "/api/v1/workspaces/shop/analyses"
            let everyone = json(["kind": "next_best", "journey": harness.mapID, "options": ["risk_below": 1, "minimum_transitions": 1]])
            let answer = try await client.call(.post, path, everyone, as: viewer)
            #expect(answer.status == 200, "\(answer)")
            let result = try #require(answer.json["next_best"] as? [String: any Sendable])
            let rows = try #require(result["customers"] as? [[String: any Sendable]])
            // No one converted: every planted customer waits at the size guide, at odds 0.
            #expect(result["at_risk"] as? Int == 4 && rows.allSatisfy { $0["touchpoint"] as? String == Self.touchpoint && $0["odds"] as? Double == 0 })
            #expect(Set(rows.compactMap { $0["name"] as? String }) == ["=HYPERLINK(\"http://x\")", "Ann, Jo Lee", "e3@example.com"])
            let id = try #require(rows.first { $0["name"] as? String == "Ann, Jo Lee" }?["id"] as? String)
            let one = try await client.call(.post, path, json(["kind": "next_best", "journey": harness.mapID, "options": ["customer": id]]), as: viewer)
            let only = try #require((one.json["next_best"] as? [String: any Sendable])?["customers"] as? [[String: any Sendable]])
            #expect(one.status == 200 && only.count == 1 && only.first?["id"] as? String == id && only.first?["name"] as? String == "Ann, Jo Lee", "\(one)")
            let unknown = try await client.call(.post, path, json(["kind": "next_best", "journey": harness.mapID, "options": ["customer": "cus_999999"]]), as: viewer)
            #expect(unknown.status == 422 && unknown.errorMessage?.hasPrefix("options.customer") == true, "\(unknown)")
            let csv = try await client.call(.post, path + "?format=csv", everyone, as: viewer)
            #expect(csv.status == 200 && csv.text.hasPrefix("customer,name,persona,touchpoint,stage,odds,"), "\(csv)")
            #expect(csv.text.contains("'=HYPERLINK") && csv.text.split(whereSeparator: \.isNewline).count == 5)
        }
    }

    @Test("a share link gets 403 for customers, verbatims and a comparison of them, and sees no name")
    func shareLinkRefused() async throws {
        let harness = try await APIHarness()
        try await Self.plant(harness)
        let link = try await harness.store.createShareLink(workspace: "shop", map: harness.mapID, createdBy: "test", expires: nil)
        try await harness.test { client in
            let compare = json(["kind": "compare", "journey": harness.mapID, "options": ["compare_kind": "customers", "touchpoint": Self.touchpoint,
                                                                                        "before": ["label": "a"], "after": ["label": "b"]]])
            for (field, body) in [("kind", Self.query("customers", [:], map: harness.mapID)), ("kind", Self.query("verbatims", [:], map: harness.mapID)),
                                  ("kind", json(["kind": "next_best", "journey": harness.mapID])), ("options.compare_kind", compare)] {
                for suffix in ["", "?format=csv"] {
                    let answer = try await client.call(.post, "/api/v1/shared/\(link.token)/analyses\(suffix)", body, as: .none)
                    #expect(answer.status == 403 && answer.errorMessage?.hasPrefix(field + ":") == true, "\(answer)")
                    #expect(!answer.text.contains("Ann") && !answer.text.contains("HYPERLINK") && !answer.text.contains("cus_"))
                }
            }
        }
    }

    @Test("another workspace's customers and answers never appear: B's lists are empty for every touchpoint while A's are not")
    func otherWorkspaceNeverListed() async throws {
        let setup = try await TenancyRouteTests.setUp()
        let touchpoints = WorkspaceTemplate.retail.workspace.journeys[0].touchpoints.map(\.id)
        try await setup.harness.test { client in
            let beta = try await client.signIn("beta-admin@example.com")
            let alpha = try await client.signIn("admin@localhost")
            var alphaCustomers = 0, alphaAnswers = 0
            for touchpoint in touchpoints {
                for kind in ["customers", "verbatims"] {
                    let body = json(["kind": kind, "journey": setup.betaMap, "options": ["touchpoint": touchpoint]])
                    for format in ["", "?format=csv"] {
                        let answer = try await client.call(.post, "/api/v1/workspaces/beta/analyses\(format)", body, as: beta)
                        #expect(answer.status == 200, "\(answer)")
                        #expect(TenancyRouteTests.leaks(answer.text, setup) == [] && !answer.text.contains("cus_"), "\(kind) at \(touchpoint)")
                    }
                    let own = try await client.call(.post, "/api/v1/workspaces/beta/analyses", body, as: beta)
                    #expect((own.json[kind] as? [String: any Sendable])?["total"] as? Int == 0)
                    let theirs = try await client.call(.post, "/api/v1/workspaces/shop/analyses", body, as: alpha)
                    let total = (theirs.json[kind] as? [String: any Sendable])?["total"] as? Int ?? 0
                    if kind == "customers" { alphaCustomers += total } else { alphaAnswers += total }
                }
            }
            #expect(alphaCustomers > 0 && alphaAnswers > 0, "A's own lists are not empty")
        }
    }
}
