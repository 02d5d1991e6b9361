import ClickHouseStore
import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// Customer data in an embedded store and its copy on a ClickHouse cluster, deleted from the
/// cluster when released.
final class ClusterCopy {
    let directory: TemporaryDirectory
    let embedded: WorkspaceData
    let cluster: ClickHouseCustomerData
    let workspace: String
    let events: Int

    /// `lines` (NDJSON events) or the CSV files of a scenario in `directory`, imported and copied.
    init(url: String, directory: TemporaryDirectory, file: String) throws {
        self.directory = directory
        let store = try JourneyStore(path: directory.path("store.db"))
        _ = try Importer(data: store.data).importFile(file)
        embedded = try store.data
        cluster = ClickHouseCustomerData(url: try ClickHouseURL(url))
        workspace = "matrix-\(UInt32.random(in: 0...UInt32.max))"
        events = try CustomerDataCopy(target: cluster).copy(embedded, workspace: workspace, replace: false).copied.events
    }

    deinit { try? cluster.deleteWorkspace(workspace) }

    var remote: ClickHouseWorkspaceData { cluster.workspace(workspace) }
}

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
        return Self.forJourney(journey, queries)
    }

    /// Funnels the cluster counts itself.
    static func funnels(_ journey: JourneyMap) -> [String] {
        let touchpoints = journey.touchpoints.map(\.id)
        let steps = "[" + touchpoints.prefix(5).map { "\"\($0)\"" }.joined(separator: ",") + "]"
        return Self.forJourney(journey, [
            #"{"kind":"funnel","options":{"step_times":false}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"mode":"strict"}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"mode":"any_order"}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"window_days":2}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"window_days":2,"mode":"any_order"}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"steps":\#(steps)}}"#,
            #"{"kind":"funnel","options":{"step_times":false,"steps":\#(steps),"mode":"strict"}}"#,
            #"{"kind":"funnel","options":{"steps":["\#(touchpoints[0])|\#(touchpoints[1])","\#(touchpoints[2])","\#(touchpoints[3])|\#(touchpoints[4])"]}}"#,
            #"{"kind":"funnel"}"#,
            #"{"kind":"funnel","options":{"mode":"strict"}}"#,
            #"{"kind":"funnel","options":{"mode":"any_order"}}"#,
            #"{"kind":"funnel","options":{"window_days":2}}"#,
            #"{"kind":"funnel","options":{"steps":\#(steps)}}"#,
            #"{"kind":"funnel","options":{"steps":\#(steps),"mode":"strict"}}"#,
        ])
    }

    static func forJourney(_ journey: JourneyMap, _ queries: [String]) -> [String] {
        queries.map { $0.replacingOccurrences(of: #"{"kind""#, with: #"{"journey":"\#(journey.id)","kind""#) }
    }

    /// The JSON of an analysis without the seconds the index build took.
    static func json(_ output: AnalysisOutput) -> String {
        var output = output
        output.index.seconds = 0
        return Analyzer.json(output)
    }

    static func scenario(url: String) throws -> (ClusterCopy, Workspace, JourneyMap, ScenarioTruth) {
        let directory = try TemporaryDirectory()
        let template = WorkspaceTemplate.retail
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: template, customers: 400, seed: 11))
        let copy = try ClusterCopy(url: url, directory: directory, file: directory.path("data/events.csv"))
        let journey = try #require(template.workspace.journey(truth.journey))
        return (copy, template.workspace, journey, truth)
    }

    @Test("every analysis kind gives the same JSON on ClickHouse as on the embedded store", arguments: BackendURLs.clickHouse)
    func matrix(url: String) throws {
        let (copy, workspace, journey, truth) = try Self.scenario(url: url)
        #expect(copy.events == truth.events)
        // Every customer's events live on one shard, and with several shards each holds some.
        let client = copy.cluster.client
        let database = client.url.database, literal = ClickHouseSQL.string(copy.workspace)
        var rootsOnShards = 0
        for host in client.url.hosts {
            let answer = String(decoding: try client.execute("SELECT uniqExact(root), count() FROM \(database).events_local WHERE workspace = \(literal) FORMAT TabSeparated", on: host), as: UTF8.self)
            let numbers = answer.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            #expect(numbers.count == 2 && numbers[1] > 0, "a shard holds no events: \(answer)")
            rootsOnShards += numbers.first ?? 0
        }
        #expect(rootsOnShards == Int(try client.value("SELECT uniqExact(root) FROM \(database).events WHERE workspace = \(literal)")))

        let queries = try Self.queries(journey).map { try Analyzer.query(json: Data($0.utf8)) }
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: IndexRequest(queries: queries))
        let reference = try builder.build(from: copy.embedded)
        let remote = try builder.build(from: copy.remote)
        #expect(reference.summary.customersWithEvents > 100 && reference.summary.unclassified > 0)
        for query in queries {
            let expected = Self.json(try Analyzer.run(query, on: reference))
            let measured = Self.json(try Analyzer.run(query, on: remote))
            let options = String(decoding: try JSONEncoder().encode(query.options), as: UTF8.self)
            #expect(measured == expected, "\(query.kind) \(options)")
        }
    }

    @Test("funnels counted on the cluster in all three modes, with and without step times, equal the engine's, on generated data and on edge cases", arguments: BackendURLs.clickHouse)
    func pushdown(url: String) throws {
        let (scenario, workspace, journey, _) = try Self.scenario(url: url)
        // The retail map tests order ids for presence and revenues against bounds: the cluster
        // sends back a stand-in's signature for those: 98 signatures here, against 440 with
        // the values themselves (one per order).
        try Self.comparePushdown(scenario, workspace: workspace, journey: journey, queries: Self.funnels(journey), maximumSignatures: 150)

        let directory = try TemporaryDirectory()
        try EdgeCases.lines.joined(separator: "\n").write(toFile: directory.path("edge.ndjson"), atomically: true, encoding: .utf8)
        let edges = try ClusterCopy(url: url, directory: directory, file: directory.path("edge.ndjson"))
        #expect(edges.events == EdgeCases.lines.count)
        let decoded = WorkspaceCodec.decode(EdgeCases.yaml, file: "edge.yaml")
        let edgeWorkspace = try #require(decoded.workspace, "\(decoded.diagnostics)")
        let edgeJourney = try #require(edgeWorkspace.journey("edge"))
        try Self.comparePushdown(edges, workspace: edgeWorkspace, journey: edgeJourney, queries: Self.forJourney(edgeJourney, EdgeCases.funnels))
    }

    @Test("an index built from the events the shards classified equals the one built from their rows and the embedded store's, on generated data and edge cases, with property filters and breakdowns", arguments: BackendURLs.clickHouse)
    func classifiedOnShards(url: String) throws {
        let (scenario, workspace, journey, _) = try Self.scenario(url: url)
        try Self.compareClassified(scenario, workspace: workspace, journey: journey, queries: Self.queries(journey))
        // Property filters and breakdowns: the shards send the values at their paths with each
        // classified event (strings, numbers, a column, a trait's fallback path, none at all).
        try Self.compareClassified(scenario, workspace: workspace, journey: journey, queries: Self.forJourney(journey, [
            #"{"kind":"funnel","filters":{"properties":[{"path":"platform","values":["instagram"]}]}}"#,
            #"{"kind":"funnel","filters":{"properties":[{"path":"utm_medium","values":["organic","cpc"]},{"path":"channel","values":["web"]}]}}"#,
            #"{"kind":"funnel","breakdown":{"kind":"property","path":"utm_medium"}}"#,
            #"{"kind":"funnel","breakdown":{"kind":"property","path":"revenue"}}"#,
            #"{"kind":"funnel","breakdown":{"kind":"property","path":"traits.plan"},"filters":{"properties":[{"path":"event","values":["Order Completed","Checkout Started"]}]}}"#,
            #"{"kind":"paths","filters":{"properties":[{"path":"utm_medium","values":["organic"]}]}}"#,
            #"{"kind":"touchpoints","filters":{"properties":[{"path":"nothing.here","values":["x"]}]}}"#,
        ]), properties: true)

        let directory = try TemporaryDirectory()
        try EdgeCases.lines.joined(separator: "\n").write(toFile: directory.path("edge.ndjson"), atomically: true, encoding: .utf8)
        let edges = try ClusterCopy(url: url, directory: directory, file: directory.path("edge.ndjson"))
        let decoded = WorkspaceCodec.decode(EdgeCases.yaml, file: "edge.yaml")
        let edgeWorkspace = try #require(decoded.workspace, "\(decoded.diagnostics)")
        let edgeJourney = try #require(edgeWorkspace.journey("edge"))
        try Self.compareClassified(edges, workspace: edgeWorkspace, journey: edgeJourney,
                                   queries: Self.forJourney(edgeJourney, EdgeCases.funnels + [#"{"kind":"paths"}"#, #"{"kind":"friction"}"#, #"{"kind":"touchpoints"}"#]))
        // Mixed numbers and a string at one path, an object and a value inside it, a quoted string.
        try Self.compareClassified(edges, workspace: edgeWorkspace, journey: edgeJourney, queries: Self.forJourney(edgeJourney, [
            #"{"kind":"funnel","breakdown":{"kind":"property","path":"total"}}"#,
            #"{"kind":"funnel","filters":{"properties":[{"path":"total","values":["12","20","99.5"]}]}}"#,
            #"{"kind":"touchpoints","filters":{"properties":[{"path":"wrap.paper","values":["red"]}]}}"#,
            #"{"kind":"touchpoints","breakdown":{"kind":"property","path":"wrap"}}"#,
            #"{"kind":"funnel","filters":{"properties":[{"path":"note","values":["say \"hi\""]},{"path":"utm_source","values":["instagram"]}]}}"#,
        ]), properties: true)

        // What the shards send: a few numbers per kept event, every key with its counts.
        let classified = try #require(try scenario.remote.classifiedEvents(journey: journey, since: .min))
        #expect(classified.keys.reduce(0) { $0 + $1.events } == scenario.events)
        #expect(classified.keys.reduce(0) { $0 + $1.unclassified } > 0)
        #expect(Set(classified.sequences).count == classified.sequences.count)
        #expect(classified.flags.isEmpty && classified.values.isEmpty)
    }

    /// Builds the index of `queries` three ways (the embedded store; the cluster's rows, read and
    /// classified here; the cluster's classified events, without reading a row) and requires
    /// equal answers; with `properties`, the queries must read message values.
    static func compareClassified(_ copy: ClusterCopy, workspace: Workspace, journey: JourneyMap, queries texts: [String], properties: Bool = false) throws {
        let queries = try texts.map { try Analyzer.query(json: Data($0.utf8)) }
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: IndexRequest(queries: queries))
        #expect((builder.request.propertyFilters.isEmpty && builder.request.propertyPaths.isEmpty) != properties)
        let reference = try builder.build(from: copy.embedded)
        let rows = try builder.build(from: RowsOnly(data: copy.remote))
        let classified = try builder.build(from: ClassifiedOnly(data: copy.remote))
        #expect(classified.channelNames == rows.channelNames && classified.summary.topUnclassified == reference.summary.topUnclassified)
        if properties {
            // The filters select some events and the breakdowns find values: the answers are tested.
            #expect(builder.request.propertyFilters.isEmpty || reference.propertyFlags.contains { $0 != 0 })
            #expect(reference.properties.values.contains { $0.values.count > 2 })
        }
        for query in queries {
            let expected = Self.json(try Analyzer.run(query, on: reference))
            let options = String(decoding: try JSONEncoder().encode(query.options), as: UTF8.self)
            #expect(Self.json(try Analyzer.run(query, on: rows)) == expected, "rows: \(query.kind) \(options)")
            #expect(Self.json(try Analyzer.run(query, on: classified)) == expected, "classified: \(query.kind) \(options) \(query.filters) \(String(describing: query.breakdown))")
        }
    }

    /// The cluster's customer data classified on the shards, whose rows must not be read.
    struct ClassifiedOnly: ClassifyingCustomerData {
        let data: ClickHouseWorkspaceData

        func classifiedEvents(journey: JourneyMap, since: Int64, properties: PropertyValues?) throws -> ClassifiedEvents? {
            try data.classifiedEvents(journey: journey, since: since, properties: properties)
        }
        func eventIDRange() throws -> ClosedRange<Int64>? { try data.eventIDRange() }
        func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws {
            Issue.record("the events' rows were read, not classified on the shards")
            try data.scanEvents(ids: ids, body)
        }
        func customerLinks() throws -> CustomerLinks { try data.customerLinks() }
        func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws { try data.scanTraits(body) }
        func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws { try data.scanFeedback(body) }
    }

    /// The cluster's customer data read as rows only, as a backend that cannot classify.
    struct RowsOnly: CustomerDataReader {
        let data: ClickHouseWorkspaceData

        func eventIDRange() throws -> ClosedRange<Int64>? { try data.eventIDRange() }
        func scanEvents(ids: ClosedRange<Int64>, _ body: (borrowing RawEventRow) throws -> Void) throws { try data.scanEvents(ids: ids, body) }
        func customerLinks() throws -> CustomerLinks { try data.customerLinks() }
        func scanTraits(_ body: (Int64, UnsafeBufferPointer<UInt8>) throws -> Void) throws { try data.scanTraits(body) }
        func scanFeedback(_ body: (borrowing RawFeedbackRow) throws -> Void) throws { try data.scanFeedback(body) }
    }

    static func comparePushdown(_ copy: ClusterCopy, workspace: Workspace, journey: JourneyMap, queries: [String], maximumSignatures: Int = 20_000) throws {
        let analytics = ClickHouseAnalytics(copy.remote, maximumSignatures: maximumSignatures)
        let index = try IndexBuilder(workspace: workspace, journey: journey).build(from: copy.embedded)
        for text in queries {
            let query = try Analyzer.query(json: Data(text.utf8))
            let expected = Self.json(try Analyzer.run(query, on: index))
            let measured = try #require(try analytics.run(query, journey: journey), "not counted on the cluster: \(text)")
            #expect(Self.json(measured) == expected, "\(text)")
        }
    }
}
