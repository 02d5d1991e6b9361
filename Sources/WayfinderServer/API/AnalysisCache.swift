import Dispatch
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore

/// Built journey indexes, kept per (workspace, map, map version, the store's watermark, what the
/// query needs), so repeated queries reuse one; a new map version, new or forgotten events,
/// stitched customers or edited personas build a new one.
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
    private let capacity: Int
    /// How many indexes were built (for tests and logs).
    private(set) var builds = 0

    init(capacity: Int = 4) { self.capacity = capacity }

    /// The index for a query over a map of a workspace, built or reused.
    func index(store: any ServerStore, workspace: String, map: StoredMap, query: AnalysisQuery) async throws -> JourneyIndex {
        let request = IndexRequest(queries: [query])
        let customers = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
        let data = try await customers.indexWatermark()
        let key = Key(workspace: workspace, map: map.id, version: map.version.number, data: data, traits: request.traitPaths,
                      properties: request.propertyPaths, filters: "\(request.propertyFilters)", measureFuture: request.measureFuture)
        if let found = entries.firstIndex(where: { $0.key == key }) {
            let entry = entries.remove(at: found)
            entries.append(entry)
            return try await entry.task.value
        }
        builds += 1
        let exported = try await storeCall { () async throws(WorkspaceStoreError) in try await store.exportWorkspace(workspace) }
        let builder = IndexBuilder(workspace: exported, journey: map.map, request: request)
        let task = Task<JourneyIndex, any Error> {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result { try builder.build(from: customers) })
                }
            }
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
}
