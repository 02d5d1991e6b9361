import Dispatch
import Foundation
import HTTPTypes
import JourneyAnalytics
import JourneyModel
import JourneyStore
import Logging

/// Built journey indexes, kept per (workspace, map, map version, the store's watermark, what the
/// query needs), so repeated queries reuse one; a new map version, new or forgotten events,
/// stitched customers or edited personas make a new one.
///
/// A new one is not built from scratch: on the embedded store the index saved beside it
/// (``SavedIndexes``) is brought up to date, which also serves the first query after a restart;
/// on another store the last state of the same map and request is kept in memory and brought up
/// to date with the events that arrived since. With a cluster (``AnalyticsCluster``), the
/// workspace's copy there is brought up to date first and the index is built from it.
actor AnalysisCache {
    struct Key: Hashable, Sendable {
        var workspace: String
        var map: String
        var version: Int
        var data: IndexWatermark
        var traits: [String]
        var properties: [String]
        var filters: String
        var measureFuture: Bool
    }

    private var entries: [(key: Key, task: Task<JourneyIndex, any Error>)] = []
    /// The last index state per (workspace, map, version, request), for stores without saved indexes.
    private var states: [(key: Key, state: IndexState)] = []
    private let capacity: Int
    /// How many indexes were built (for tests and logs).
    private(set) var builds = 0

    /// Where a saved index that was refused, or could not be saved, is said.
    private let logger: Logger

    /// The cluster analyses run on, with the copies it keeps (`serve --events`); nil when they run on the store.
    let copies: ClusterCopies?

    init(capacity: Int = 4, cluster: (any AnalyticsCluster)? = nil, logger: Logger = Logger(label: "wayfinder.analyses")) {
        self.capacity = capacity
        self.logger = logger
        copies = cluster.map { ClusterCopies(cluster: $0, logger: logger) }
    }

    /// With a cluster: the answer to `query` counted on the cluster itself, once the workspace's
    /// copy there is as current as the store; nil when the cluster cannot count it (the caller
    /// then asks for an index), or there is no cluster.
    func counted(store: any ServerStore, workspace: String, map: StoredMap, query: AnalysisQuery) async throws -> AnalysisOutput? {
        // Only funnels are counted on the shards; other kinds bring the copy up to date for their index.
        guard let copies, query.kind == .funnel else { return nil }
        let customers = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
        let cluster = copies.cluster
        do {
            try await copies.bringUpToDate(workspace, data: customers, mark: try await customers.indexWatermark())
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AnalysisOutput?, any Error>) in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result { () throws(AnalyticsClusterError) -> AnalysisOutput? in
                        try cluster.analyze(query, journey: map.map, workspace: workspace)
                    })
                }
            }
        } catch {
            throw Self.clusterFailure(error)
        }
    }

    /// The API's answer to a failure of the cluster: 422 for a query it refuses, 503 with
    /// `Retry-After` when it is down or slow; the store's and the index's own errors as they are.
    static func clusterFailure(_ error: any Error) -> any Error {
        switch error {
        case let error as AnalyticsClusterError where error.isQueryProblem:
            return APIError(.unprocessableContent, .invalidQuery, error.description)
        case let error as AnalyticsClusterError:
            return APIError(.serviceUnavailable, .unavailable, error.description, headers: [.retryAfter: "5"])
        case is APIError, is IndexBuilder.Failure, is WorkspaceStoreError:
            return error
        default:
            return APIError(.serviceUnavailable, .unavailable, "the analytics cluster cannot answer now (\(error)); try again in a moment", headers: [.retryAfter: "5"])
        }
    }

    /// The index for a query over a map of a workspace, built or reused.
    func index(store: any ServerStore, workspace: String, map: StoredMap, query: AnalysisQuery) async throws -> JourneyIndex {
        var request = IndexRequest(queries: [query])
        var exported: Workspace?
        if query.kind == .segments, query.options.traits.isEmpty {
            // A segmentation without trait paths reads those of the workspace's persona rules.
            let workspace = try await storeCall { () async throws(WorkspaceStoreError) in try await store.exportWorkspace(workspace) }
            request = IndexRequest(queries: [query], workspace: workspace)
            exported = workspace
        }
        let customers = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
        let data = try await customers.indexWatermark()
        if let copies {
            do { try await copies.bringUpToDate(workspace, data: customers, mark: data) } catch { throw Self.clusterFailure(error) }
        }
        let key = Key(workspace: workspace, map: map.id, version: map.version.number, data: data, traits: request.traitPaths,
                      properties: request.propertyPaths, filters: "\(request.propertyFilters)", measureFuture: request.measureFuture)
        if let found = entries.firstIndex(where: { $0.key == key }) {
            let entry = entries.remove(at: found)
            entries.append(entry)
            return try await entry.task.value
        }
        builds += 1
        let workspaceModel: Workspace
        if let exported {
            workspaceModel = exported
        } else {
            workspaceModel = try await storeCall { () async throws(WorkspaceStoreError) in try await store.exportWorkspace(workspace) }
        }
        let builder = IndexBuilder(workspace: workspaceModel, journey: map.map, request: request)
        var stateKey = key
        stateKey.data = IndexWatermark(lastEvent: 0, identityGeneration: 0, personas: "", workspace: 0, created: 0)
        let previous = states.first { $0.key == stateKey }?.state
        let logger = logger, copies = copies
        let task = Task<JourneyIndex, any Error> {
            let built = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(JourneyIndex, IndexState?), any Error>) in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result {
                        if let cluster = copies?.cluster {
                            // The copy is rebuilt from, not brought up to date: its events are not numbered as the store's.
                            do { return (try builder.build(from: cluster.customerData(workspace: workspace)), nil) } catch { throw AnalysisCache.clusterFailure(error) }
                        }
                        if let embedded = customers as? WorkspaceData {
                            let saved = try SavedIndexes(embedded).index(builder)
                            if let warning = saved.warning { logger.warning("analytics index of workspace \(embedded.workspace): \(warning)") }
                            return (saved.index, nil)
                        }
                        let (index, state, _, _) = try builder.update(previous, from: customers, through: data.lastEvent)
                        return (index, state)
                    })
                }
            }
            if let state = built.1 { self.keep(state, as: stateKey) }
            return built.0
        }
        entries.append((key, task))
        if entries.count > capacity { entries.removeFirst() }
        do {
            return try await task.value
        } catch {
            entries.removeAll { $0.key == key }
            throw error
        }
    }

    /// Indexes built so far.
    func buildCount() -> Int { builds }

    private func keep(_ state: IndexState, as key: Key) {
        states.removeAll { $0.key == key }
        states.append((key, state))
        if states.count > 2 { states.removeFirst() }
    }
}
