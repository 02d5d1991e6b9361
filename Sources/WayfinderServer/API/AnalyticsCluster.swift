import Dispatch
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Logging

/// A cluster holding a copy of each workspace's customer data, where the server's analyses run
/// (`wayfinder serve --events clickhouse://…`). The store stays where events are collected and
/// customers stitched; before an analysis, the copy is brought up to what the store holds.
public protocol AnalyticsCluster: Sendable {
    /// The cluster's kind, as `/health` and `/metrics` name it (`clickhouse`).
    var backend: String { get }

    /// Brings the copy of `workspace` up to what `data` (the store's customer data of the
    /// workspace) holds, and says in a line what it did. Blocks; runs on a thread of its own.
    func update(workspace: String, from data: any WorkspaceCustomerData) throws(AnalyticsClusterError) -> String

    /// The copy of `workspace`'s customer data, read as indexes read a store.
    func customerData(workspace: String) -> any CustomerDataReader

    /// The answer to `query` counted on the cluster itself, or nil when it cannot be (the
    /// analysis is then run on an index built from ``customerData(workspace:)``). Blocks.
    func analyze(_ query: AnalysisQuery, journey: JourneyMap, workspace: String) throws(AnalyticsClusterError) -> AnalysisOutput?

    /// Deletes the copy of `workspace` (its store's customer data is `data`, whose lock the
    /// copy's changes take). Blocks.
    func deleteCopy(workspace: String, of data: any WorkspaceCustomerData) throws(AnalyticsClusterError)

    /// Whether the cluster answers now (for health checks). Blocks briefly; never throws.
    func isReachable() -> Bool
}

/// Why the cluster could not answer: down, slow, or refusing what it was sent.
public struct AnalyticsClusterError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// True when the query cannot be answered (a 422); false when the cluster failed (a 503).
    public var isQueryProblem: Bool

    public init(_ description: String, isQueryProblem: Bool = false) {
        self.description = description
        self.isQueryProblem = isQueryProblem
    }
}

/// Keeps each workspace's copy on the cluster as current as the store when an analysis asks:
/// one update at a time per workspace, shared by the requests that wait for it, and none when
/// the store's events and customers have not changed since the last.
actor ClusterCopies {
    let cluster: any AnalyticsCluster
    private let logger: Logger
    /// The store's state each workspace's copy was last brought up to (events, stitching, erasures).
    private var current: [String: StoreState] = [:]
    private var running: [String: Task<Void, any Error>] = [:]
    /// Workspaces being deleted, with the deletions running: no update of their copy starts.
    private var deleting: [String: Int] = [:]

    /// The parts of a store's watermark that the copy follows (persona edits do not change it).
    struct StoreState: Hashable {
        var lastEvent: Int64, identityGeneration: Int64, workspace: Int64, created: Int64
        init(_ mark: IndexWatermark) {
            (lastEvent, identityGeneration, workspace, created) = (mark.lastEvent, mark.identityGeneration, mark.workspace, mark.created)
        }

        /// Whether a copy brought up to `self` holds what the store held at `other` (event ids
        /// and the identity generation only grow within one workspace).
        func covers(_ other: StoreState) -> Bool {
            workspace == other.workspace && created == other.created && lastEvent >= other.lastEvent && identityGeneration >= other.identityGeneration
        }
    }

    init(cluster: any AnalyticsCluster, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
    }

    /// Returns once the copy of `workspace` holds at least what the store held at `mark`.
    func bringUpToDate(_ workspace: String, data: any WorkspaceCustomerData, mark: IndexWatermark) async throws {
        let wanted = StoreState(mark)
        while current[workspace]?.covers(wanted) != true {
            guard deleting[workspace] == nil else {
                throw AnalyticsClusterError("workspace '\(workspace)' is being deleted")
            }
            if let update = running[workspace] {
                // Another request's update may reach this mark; when it fails, so does this
                // request (the cluster is down or slow), rather than trying again in turn.
                try await update.value
                continue
            }
            let cluster = self.cluster, logger = self.logger
            let task = Task<Void, any Error> {
                let line = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                    DispatchQueue.global(qos: .userInitiated).async {
                        continuation.resume(with: Result { () throws(AnalyticsClusterError) -> String in try cluster.update(workspace: workspace, from: data) })
                    }
                }
                logger.info("cluster copy brought up to date", metadata: ["workspace": "\(workspace)", "update": "\(line)"])
            }
            running[workspace] = task
            defer { running[workspace] = nil }
            do {
                try await task.value
            } catch {
                logger.error("cannot bring the cluster's copy up to date", metadata: ["workspace": "\(workspace)", "error": "\(error)"])
                throw error
            }
            // The update read the store after `mark` was taken, so the copy holds at least that.
            if current[workspace]?.covers(wanted) != true { current[workspace] = wanted }
        }
    }

    /// Deletes the copy of `workspace` from the cluster, then runs `remove` (the store's deletion
    /// of the workspace), so a deleted workspace leaves nothing on the cluster: an update
    /// running is waited for, and none starts until both are done. When the cluster cannot
    /// delete the copy, nothing is removed.
    func delete(_ workspace: String, data: any WorkspaceCustomerData, then remove: () async throws -> Void) async throws {
        deleting[workspace, default: 0] += 1
        defer {
            deleting[workspace] = deleting[workspace].flatMap { $0 > 1 ? $0 - 1 : nil }
            current[workspace] = nil
        }
        if let update = running[workspace] { _ = try? await update.value }
        let cluster = self.cluster
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { () throws(AnalyticsClusterError) in try cluster.deleteCopy(workspace: workspace, of: data) })
            }
        }
        logger.info("cluster copy deleted with its workspace", metadata: ["workspace": "\(workspace)"])
        try await remove()
    }
}
