import ClickHouseStore
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Logging
import WayfinderServer

/// The ClickHouse cluster `wayfinder serve --events` runs analyses on: each workspace's copy
/// there is brought up to date (``CustomerDataCopy/update(_:workspace:progress:)``, under the
/// lock that `import --events` and `forget --events` take too) before an analysis reads it, and
/// funnels are counted on the shards as `wayfinder analyze --events` counts them.
struct ClickHouseAnalyticsCluster: AnalyticsCluster {
    let data: ClickHouseCustomerData
    /// The embedded store's path, beside which the lock of the copy is (unused on PostgreSQL).
    let db: String
    let logger: Logger

    init(url: ClickHouseURL, db: String, logger: Logger) {
        data = ClickHouseCustomerData(url: url)
        self.db = db
        self.logger = logger
    }

    var backend: String { "clickhouse" }

    func update(workspace: String, from source: any WorkspaceCustomerData) throws(AnalyticsClusterError) -> String {
        let started = Date()
        let logger = logger
        do {
            let update = try ClusterCopyLock.holding(source, db: db, waiting: {
                logger.notice("waiting for another update or erasure of the cluster's copy to finish", metadata: ["workspace": "\(workspace)"])
            }) {
                try CustomerDataCopy(target: data).update(source, workspace: workspace)
            }
            return Wayfinder.Import.ClusterUpdate(url: data.client.url.description, update, seconds: Date().timeIntervalSince(started)).line
        } catch {
            throw AnalyticsClusterError("cannot bring the copy of workspace '\(workspace)' on \(data.client.url) up to date: \(Self.reason(error)); the events are in the store, so the next analysis tries again")
        }
    }

    func customerData(workspace: String) -> any CustomerDataReader { data.workspace(workspace) }

    func analyze(_ query: AnalysisQuery, journey: JourneyMap, workspace: String) throws(AnalyticsClusterError) -> AnalysisOutput? {
        do {
            return try ClickHouseAnalytics(data.workspace(workspace)).run(query, journey: journey)
        } catch let error as AnalysisError {
            throw AnalyticsClusterError(error.description, isQueryProblem: true)
        } catch {
            throw AnalyticsClusterError("\(data.client.url) cannot count the \(query.kind.rawValue) now: \(Self.reason(error))")
        }
    }

    func deleteCopy(workspace: String, of source: any WorkspaceCustomerData) throws(AnalyticsClusterError) {
        do {
            let logger = logger
            try ClusterCopyLock.holding(source, db: db, waiting: {
                logger.notice("waiting for another update or erasure of the cluster's copy to finish", metadata: ["workspace": "\(workspace)"])
            }) { try data.deleteWorkspace(workspace) }
        } catch {
            throw AnalyticsClusterError("cannot delete the copy of workspace '\(workspace)' on \(data.client.url): \(Self.reason(error)); nothing was deleted, so try again when the cluster answers")
        }
    }

    func isReachable() -> Bool { data.client.isReachable() }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case let failure as CommandFailure: failure.message
        case let error as any CustomStringConvertible: error.description
        default: "\(error)"
        }
    }
}
