import ClickHouseStore
import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// Every analysis kind, with its options, on customer data copied to ClickHouse (one server, and
/// three shards) against the same analysis on the embedded store it was copied from: the
/// in-process engine is the reference, and the JSON must be equal.
@Suite("Backend matrix: ClickHouse", .enabled(if: BackendURLs.haveClickHouse, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct ClickHouseMatrixTests {
    /// The queries of the matrix, for a map whose stages and touchpoints are given.
    static func queries(_ journey: JourneyMap) -> [String] {
        let stages = journey.stages.map(\.id)
        let touchpoints = journey.touchpoints.map(\.id)
        let channel = journey.touchpoints.compactMap(\.channel).first ?? "web"
        let steps = "[" + touchpoints.prefix(4).map { "\"\($0)\"" }.joined(separator: ",") + "]"
        var queries = [
            #"{"kind":"funnel"}"#,
            #"{"kind":"funnel","options":{"mode":"strict"}}"#,
            #"{"kind":"funnel","options":{"mode":"any_order"}}"#,
            #"{"kind":"funnel","options":{"window_days":0.5}}"#,
            #"{"kind":"funnel","options":{"steps":\#(steps),"mode":"strict"}}"#,
            #"{"kind":"funnel","breakdown":{"kind":"first_channel"}}"#,
            #"{"kind":"funnel","filters":{"channels":["\#(channel)"]}}"#,
            #"{"kind":"paths"}"#,
            #"{"kind":"paths","options":{"collapse_repeats":true,"gap_days":2,"top":5}}"#,
            #"{"kind":"friction"}"#,
            #"{"kind":"conformance"}"#,
            #"{"kind":"emotions"}"#,
            #"{"kind":"personas"}"#,
            #"{"kind":"touchpoints"}"#,
            #"{"kind":"compare","options":{"compare_kind":"funnel","before":{"label":"first","range":{"to":"2026-02-01"}},"after":{"label":"then","range":{"from":"2026-02-01"}}}}"#,
            #"{"kind":"customers","options":{"touchpoint":"\#(touchpoints[0])","limit":50}}"#,
            #"{"kind":"verbatims","options":{"touchpoint":"\#(touchpoints[min(2, touchpoints.count - 1)])"}}"#,
        ]
        if stages.count > 1 { queries.append(#"{"kind":"funnel","options":{"steps":["\#(stages[0])","\#(stages[1])"]}}"#) }
        return queries.map { $0.replacingOccurrences(of: #"{"kind""#, with: #"{"journey":"\#(journey.id)","kind""#) }
    }

    /// The JSON of an analysis without the seconds the index build took.
    static func json(_ output: AnalysisOutput) -> String {
        var output = output
        output.index.seconds = 0
        return Analyzer.json(output)
    }

    @Test("every analysis kind gives the same JSON on ClickHouse as on the embedded store", arguments: BackendURLs.clickHouse)
    func matrix(url: String) throws {
        let directory = try TemporaryDirectory()
        let template = WorkspaceTemplate.retail
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 400, seed: 11))
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(directory.path("data/events.csv"))
        let embedded = try store.data
        let cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        let workspace = "matrix-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? cluster.deleteWorkspace(workspace) }
        let summary = try CustomerDataCopy(target: cluster).copy(embedded, workspace: workspace, replace: false)
        #expect(summary.copied.events == truth.events)
        // Every customer's events live on one shard, and with several shards each holds some.
        let client = ClickHouseClient(url: cluster.client.url)
        let database = client.url.database, literal = ClickHouseSQL.string(workspace)
        var rootsOnShards = 0
        for host in client.url.hosts {
            let answer = String(decoding: try client.execute("SELECT uniqExact(root), count() FROM \(database).events_local WHERE workspace = \(literal) FORMAT TabSeparated", on: host), as: UTF8.self)
            let numbers = answer.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            #expect(numbers.count == 2 && numbers[1] > 0, "a shard holds no events: \(answer)")
            rootsOnShards += numbers.first ?? 0
        }
        #expect(rootsOnShards == Int(try client.value("SELECT uniqExact(root) FROM \(database).events WHERE workspace = \(literal)")))

        let map = template.workspace
        let journey = try #require(map.journey(truth.journey))
        let queries = try Self.queries(journey).map { try Analyzer.query(json: Data($0.utf8)) }
        let builder = IndexBuilder(workspace: map, journey: journey, request: IndexRequest(queries: queries))
        let reference = try builder.build(from: embedded)
        let remote = try builder.build(from: cluster.workspace(workspace))
        #expect(reference.summary.customersWithEvents > 100 && reference.summary.unclassified > 0)
        for query in queries {
            let expected = Self.json(try Analyzer.run(query, on: reference))
            let measured = Self.json(try Analyzer.run(query, on: remote))
            let options = String(decoding: try JSONEncoder().encode(query.options), as: UTF8.self)
            #expect(measured == expected, "\(query.kind) \(options)")
        }
    }
}
