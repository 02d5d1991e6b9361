import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore
import Logging

/// Answers the collection routes: checks the write key, reads and checks the messages, hands
/// them to the ``EventWriter`` and answers 200 `{"success": true}` once they are committed.
struct CollectionHandler: Sendable {
    let writer: EventWriter
    let keys: WriteKeys
    let metrics: ServerMetrics
    let limits: CollectionLimits
    let options: Importer.Options

    func handle(_ request: Request, context: some RequestContext, route: CollectionRoute) async throws -> Response {
        // Messages refused with the request; one until the body says how many there are.
        var refused = 1
        do {
            // A key in the Authorization header is checked before the body is read.
            let basicKey = try WriteKeys.basicUser(request.headers[.authorization])
            var key: APIKey?
            if basicKey != nil { key = try await keys.collector(secret: basicKey) }
            let body = try CollectionBody.parse(try await CollectionBody.read(request, limit: limits.requestBytes))
            if route == .batch, case .array(let items)? = body["batch"] { refused = max(items.count, 1) }
            if key == nil { key = try await keys.collector(secret: body["writeKey"]?.text) }
            let receivedAt = Timestamp.iso8601(Int64(Date().timeIntervalSince1970 * 1000))
            let messages = try CollectedMessages(body: body, route: route, limits: limits, receivedAt: receivedAt, options: options)
            refused = 0
            let counts = try await store(messages, route: route, into: try await keys.workspace(of: key))
            metrics.recordStored(counts)
            context.logger.debug("events collected", metadata: [
                "http.route": "\(route.path)", "key.id": "\(key?.id ?? 0)", "events": "\(counts.records)", "stored": "\(counts.imported)",
                "duplicates": "\(counts.duplicates)", "quarantined": "\(counts.quarantined)",
            ])
            var reply: [(String, JSONValue)] = [("success", .bool(true))]
            if counts.quarantined > 0 { reply.append(("quarantined", .number(Double(counts.quarantined)))) }
            return Response.json(.object(reply))
        } catch {
            if refused > 0 { metrics.recordRejected(refused) }
            context.logger.info("collection request refused", metadata: [
                "http.route": "\(route.path)", "http.status": "\(error.status.code)", "error.code": "\(error.code)", "events": "\(refused)",
            ])
            throw error
        }
    }

    private func store(_ messages: CollectedMessages, route: CollectionRoute, into data: any WorkspaceCustomerData) async throws(APIError) -> Importer.Counts {
        guard !messages.records.isEmpty else { return Importer.Counts() }
        do {
            return try await writer.write(RecordGroup(origin: route.origin, records: messages.records), into: data)
        } catch EventWriter.Failure.stopped {
            throw APIError(.serviceUnavailable, .unavailable, "the server is shutting down; nothing of this request was stored, so send it again in a moment",
                           headers: [.retryAfter: "5"])
        } catch EventWriter.Failure.diskFull {
            throw APIError(.serviceUnavailable, .unavailable, "the server's disk is full; nothing of this request was stored, so send it again later (collection resumes once space is freed)",
                           headers: [.retryAfter: "60"])
        } catch {
            throw APIError(.serviceUnavailable, .unavailable, "the store could not take the events; nothing of this request was stored, so send it again later",
                           headers: [.retryAfter: "30"])
        }
    }
}
