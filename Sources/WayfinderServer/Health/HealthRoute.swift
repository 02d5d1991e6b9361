import CustomerData
import Dispatch
import Hummingbird
import JourneyStore

/// `GET /health`: whether the server can take events, for load balancers and people.
///
/// 200 with `"status": "ok"` when the store answers and the writer takes events; 503 with
/// `"status": "unavailable"` otherwise. `collection.disk_full` says that the last commit found
/// the store's disk full. It needs no key and tells no data.
struct HealthRoute: Sendable {
    let version: String
    let store: any ServerStore
    /// The cluster analyses run on: reported, but collection does not need it, so it does not make the status.
    let cluster: (any AnalyticsCluster)?
    let writer: EventWriter

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let storeOK = await store.isReadable()
        let accepting = writer.isAccepting
        let ok = storeOK && accepting
        var fields: [(String, JSONValue)] = [
            ("status", .string(ok ? "ok" : "unavailable")),
            ("version", .string(version)),
            ("store", .object([("ok", .bool(storeOK)), ("backend", .string(store.backend))])),
            // A full disk is reported, not made a 503: a balancer that took the server out of
            // rotation would send it nothing to find out that space is back.
            ("collection", .object([("accepting", .bool(accepting)), ("disk_full", .bool(writer.isDiskFull))])),
        ]
        if let cluster {
            fields.append(("analytics", .object([("ok", .bool(await Self.reachable(cluster))), ("backend", .string(cluster.backend))])))
        }
        return Response.json(.object(fields), status: ok ? .ok : .serviceUnavailable)
    }

    /// Whether `cluster` answers, asked off the cooperative threads (the question blocks).
    static func reachable(_ cluster: any AnalyticsCluster) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: cluster.isReachable()) }
        }
    }
}
