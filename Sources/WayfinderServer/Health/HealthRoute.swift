import CustomerData
import Hummingbird
import JourneyStore

/// `GET /health`: whether the server can take events, for load balancers and people.
///
/// 200 with `"status": "ok"` when the store answers and the writer takes events; 503 with
/// `"status": "unavailable"` otherwise. It needs no key and tells no data.
struct HealthRoute: Sendable {
    let version: String
    let store: any ServerStore
    let writer: EventWriter

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let storeOK = await store.isReadable()
        let accepting = writer.isAccepting
        let ok = storeOK && accepting
        let fields: [(String, JSONValue)] = [
            ("status", .string(ok ? "ok" : "unavailable")),
            ("version", .string(version)),
            ("store", .object([("ok", .bool(storeOK)), ("backend", .string(store.backend))])),
            ("collection", .object([("accepting", .bool(accepting))])),
        ]
        return Response.json(.object(fields), status: ok ? .ok : .serviceUnavailable)
    }
}
