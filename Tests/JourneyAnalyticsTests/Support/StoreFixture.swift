import CustomerData
import Foundation
import GRDB
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

/// A throwaway store with events imported into it and the index of one map built over it.
///
/// Make one from NDJSON lines and a workspace's YAML (``fromNDJSON(_:workspace:journey:)``) or
/// from a scenario generated in-process (``generated(_:customers:seed:)``), whose planted truth
/// is then in ``truth``. The directory is removed when the fixture is released.
struct StoreFixture {
    /// Why a fixture could not be made.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The temporary directory holding the store and the input files.
    let directory: TemporaryDirectory
    /// The store.
    let store: JourneyStore
    /// The workspace.
    let workspace: Workspace
    /// The map the index was built for.
    let journey: JourneyMap
    /// The index.
    let index: JourneyIndex
    /// The generator's truth, for a generated scenario.
    let truth: ScenarioTruth?

    /// A store holding `lines` (one Segment-style JSON event each) indexed with `journey` (the
    /// first map when nil) of the workspace written as `workspace` YAML.
    static func fromNDJSON(_ lines: [String], workspace yaml: String, journey: String? = nil) throws -> StoreFixture {
        let decoded = WorkspaceCodec.decode(yaml, file: "workspace.yaml")
        guard let workspace = decoded.workspace else {
            throw Failure(description: "the fixture workspace does not decode: \(decoded.diagnostics)")
        }
        guard let map = journey.map(workspace.journey) ?? workspace.journeys.first else { throw Failure(description: "no journey map") }
        let directory = try TemporaryDirectory(prefix: "wayfinder-analytics")
        let store = try JourneyStore(path: directory.path("store.db"))
        if !lines.isEmpty {
            let path = try directory.write(lines.joined(separator: "\n") + "\n", to: "events.ndjson")
            _ = try Importer(data: store.data).importFile(path, format: .ndjson)
        }
        let index = try IndexBuilder(workspace: workspace, journey: map).build(from: store.data)
        return StoreFixture(directory: directory, store: store, workspace: workspace, journey: map, index: index, truth: nil)
    }

    /// A store holding a scenario generated from `template`, written as NDJSON and imported.
    static func generated(_ template: WorkspaceTemplate, customers: Int, seed: UInt64 = 7) throws -> StoreFixture {
        try generated(ScenarioGenerator(template: template, customers: customers, seed: seed))
    }

    /// A store holding a scenario generated for the workspace in `Fixtures/<name>.yaml`.
    static func generated(fixture name: String, customers: Int, seed: UInt64 = 7) throws -> StoreFixture {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "yaml"), "no fixture \(name).yaml")
        let decoded = WorkspaceCodec.decode(try String(contentsOf: url, encoding: .utf8), file: "\(name).yaml")
        guard let workspace = decoded.workspace, !decoded.diagnostics.contains(where: { $0.severity == .error }) else {
            throw Failure(description: "the fixture \(name).yaml does not decode: \(decoded.diagnostics)")
        }
        return try generated(ScenarioGenerator(workspace: workspace, scenario: name, customers: customers, seed: seed))
    }

    /// A store holding what `generator` makes, written as NDJSON and imported.
    static func generated(_ generator: ScenarioGenerator) throws -> StoreFixture {
        let directory = try TemporaryDirectory(prefix: "wayfinder-analytics")
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .ndjson).write(generator)
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("data")).filter { $0.hasPrefix("events.") }.sorted()
        for file in files { _ = try importer.importFile(directory.path("data/\(file)")) }
        let index = try IndexBuilder(workspace: generator.workspace, journey: generator.journey).build(from: store.data)
        return StoreFixture(directory: directory, store: store, workspace: generator.workspace, journey: generator.journey, index: index, truth: truth)
    }

    /// The stitched customer number of each identifier, keyed `kind:value` (`user:u1`).
    func customerNumbers() throws -> [String: Int64] {
        try store.database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT kind || ':' || value, customer_id FROM identities").map { ($0[0], $0[1]) })
        }
    }

    /// Runs an analysis of this fixture's map.
    func run(_ kind: AnalysisQuery.Kind, range: DateRange? = nil, filters: Filters = Filters(), options: Options = Options()) throws -> AnalysisOutput {
        try Analyzer.run(AnalysisQuery(kind: kind, journey: journey.id, range: range, filters: filters, options: options), on: index)
    }
}

/// One customer's classified events as plain values, read from the index arrays: the
/// "exported events" (`wayfinder analyze events`) that reference implementations in tests work on.
struct ExportedJourney: Sendable {
    /// The customer's position in the index.
    var customer: Int
    /// `cus_N`.
    var id: String
    /// Touchpoint ids in order.
    var touchpoints: [String]
    /// Times in milliseconds.
    var times: [Int64]
    /// Channel names.
    var channels: [String]

    /// Every customer's classified events, inside `from ..< to` and on `channels` when given.
    static func all(_ index: JourneyIndex, from: Int64? = nil, to: Int64? = nil, channels: Set<String>? = nil) -> [ExportedJourney] {
        (0..<index.customerCount).map { customer in
            var journey = ExportedJourney(customer: customer, id: "cus_\(index.customers[customer])", touchpoints: [], times: [], channels: [])
            for event in index.offsets[customer] ..< index.offsets[customer + 1] {
                let time = index.timestamps[event]
                if let from, time < from { continue }
                if let to, time >= to { continue }
                if let channels, !channels.contains(index.channelNames[Int(index.channels[event])]) { continue }
                journey.touchpoints.append(index.touchpointIDs[Int(index.touchpoints[event])])
                journey.times.append(time)
                journey.channels.append(index.channelNames[Int(index.channels[event])])
            }
            return journey
        }
    }
}
