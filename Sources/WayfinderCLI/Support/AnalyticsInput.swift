import ArgumentParser
import ClickHouseStore
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import PostgresStore
import Synchronization

/// What every analytics command reads: the workspace, the map, the store, and the filters.
struct AnalyticsInput: ParsableArguments {
    @Option(help: ArgumentHelp("The workspace file or folder whose map classifies the events.", valueName: "path"))
    var workspace: String

    @Option(help: ArgumentHelp("The journey map id (default: the first current map).", valueName: "id"))
    var journey: String?

    @Option(help: "The store the events were imported into.")
    var db = "wayfinder.db"

    @Option(name: .customLong("workspace-id"), help: StoreWorkspace.help)
    var workspaceID: String?

    @Option(help: ArgumentHelp("Read the customer data from a ClickHouse cluster instead of --db (copy it there with 'wayfinder migrate'): clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME. Funnels without filters or breakdowns are counted on the cluster itself.", valueName: "url"))
    var events: String?

    @Option(help: ArgumentHelp("Read the customer data from the team server's PostgreSQL store instead of --db (copy a store there with 'wayfinder migrate'): postgres://USER@HOST:PORT/DATABASE[?schema=NAME].", valueName: "url"))
    var store: String?

    @Option(help: ArgumentHelp("Only events from this date or time on (2026-03-01 or 2026-03-01T09:00:00Z).", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Only events before this date or time.", valueName: "date"))
    var to: String?

    @Option(name: .customLong("persona"), help: ArgumentHelp("Only customers of this persona ('none' for those matching none); repeat for several.", valueName: "id"))
    var personas: [String] = []

    @Option(name: .customLong("channel"), help: ArgumentHelp("Only events on this channel; repeat for several.", valueName: "name"))
    var channels: [String] = []

    @Option(name: .customLong("trait"), help: ArgumentHelp("Only customers whose trait has one of the values: path=value[,value]; globs allowed.", valueName: "path=values"))
    var traits: [String] = []

    @Option(name: .customLong("property"), help: ArgumentHelp("Only events whose property has one of the values: path=value[,value].", valueName: "path=values"))
    var properties: [String] = []

    @Flag(help: "Measure a future-state map against all the data, as if it had always been live (a future map is measured only from its live_from day otherwise, and not at all without one).")
    var measureFuture = false

    @Flag(help: "Build the analytics index from the whole --db store instead of bringing the one saved beside it (in STORE.index.WORKSPACE) up to date; the new one is saved.")
    var rebuildIndex = false

    func validate() throws {
        try StoreWorkspace.validate(workspaceID)
        if let events {
            do { _ = try ClickHouseURL(events) } catch { throw ValidationError("--events: \(error.description)") }
        }
        if let store {
            do { _ = try PostgresURL(store) } catch { throw ValidationError("--store: \(error.description)") }
            if events != nil { throw ValidationError("--store and --events both name where the customer data is; give one") }
        }
        for (flag, values) in [("--trait", traits), ("--property", properties)] {
            for value in values where FieldFilter(argument: value) == nil {
                throw ValidationError("\(flag) takes path=value[,value], for example \(flag) profile.age_band=25-34; got '\(value)'.")
            }
        }
    }

    var range: DateRange? { from == nil && to == nil ? nil : DateRange(from: from, to: to) }

    var filters: Filters {
        Filters(personas: personas, channels: channels, traits: traits.compactMap(FieldFilter.init(argument:)),
                properties: properties.compactMap(FieldFilter.init(argument:)))
    }

    /// Loads the workspace and the map.
    func loadMap() throws -> (Workspace, JourneyMap) {
        let loaded = try WorkspaceInput.load([workspace], showWarnings: false)
        return (loaded.workspace, try loaded.journey(journey))
    }

    /// Opens the store (which must exist) and builds, from the customer data of its workspace, the
    /// index the queries need, with a progress bar.
    func buildIndex(workspace: Workspace, journey: JourneyMap, queries: [AnalysisQuery]) throws -> JourneyIndex {
        let store: any CustomerDataReader
        var embedded: WorkspaceData?
        if let cluster = try clusterData() {
            store = cluster
        } else if let postgres = try postgresData() {
            store = postgres
        } else {
            let data = try StoreWorkspace.open(db: db, workspace: workspaceID)
            store = data
            embedded = data
        }
        let bar = Mutex(ProgressBar(label: "reading events"))
        let started = Date()
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: IndexRequest(queries: queries, workspace: workspace))
        let progress: @Sendable (Int, Int) -> Void = { read, total in
            bar.withLock {
                $0.update(fraction: Double(read) / Double(max(total, 1)), count: read, unit: "events", elapsed: Date().timeIntervalSince(started))
            }
        }
        do {
            guard let embedded else {
                let index = try builder.build(from: store, progress: progress)
                bar.withLock { $0.finish() }
                return index
            }
            // The embedded store keeps the index beside it and reads only what arrived since.
            let saved = SavedIndexes(embedded)
            if rebuildIndex { embedded.store.removeIndexes(workspace: embedded.workspace) }
            let (index, _, warning) = try saved.index(builder, progress: progress)
            bar.withLock { $0.finish() }
            if let warning { Console.error("warning: " + warning) }
            return index
        } catch let failure as IndexBuilder.Failure {
            bar.withLock { $0.finish() }
            throw CommandFailure(message: failure.description)
        } catch let error as ClickHouseError {
            bar.withLock { $0.finish() }
            throw CommandFailure(message: error.description)
        } catch let error as WorkspaceStoreError {
            bar.withLock { $0.finish() }
            throw CommandFailure(message: error.message)
        } catch {
            bar.withLock { $0.finish() }
            throw CommandFailure(message: "\(db): cannot read the store (\(error)); check that it is a Wayfinder database")
        }
    }

    /// The workspace's customer data in the PostgreSQL store `--store` names, or nil without `--store`.
    func postgresData() throws -> PostgresCustomerData? {
        guard let store else { return nil }
        return try StoreWorkspace.postgres(store, workspace: workspaceID)
    }

    /// The workspace's customer data on the cluster `--events` names, or nil without `--events`.
    /// A workspace the cluster holds nothing of is an error that says how to copy it there.
    func clusterData() throws -> ClickHouseWorkspaceData? {
        guard let events else { return nil }
        do {
            let cluster = ClickHouseCustomerData(url: try ClickHouseURL(events))
            let id = workspaceID ?? "default"
            let counts = try cluster.counts(workspace: id)
            guard counts.events + counts.customers > 0 else {
                throw CommandFailure(message: "\(cluster.client.url): the cluster holds no customer data of workspace '\(id)'; copy it there with 'wayfinder migrate --from sqlite:STORE --to URL --workspace-id \(id)', or name another with --workspace-id")
            }
            return cluster.workspace(id)
        } catch let error as ClickHouseError {
            throw CommandFailure(message: error.description)
        }
    }
}
