import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyAnalytics
import JourneyModel
import JourneyStore

/// Analyses over a map (the query `wayfinder analyze --show-query` prints, the JSON
/// `wayfinder analyze --format json` writes), and the read-only view behind a share link.
enum AnalysisRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        r.on(.post, "/api/v1/workspaces/{workspace}/analyses") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            return try await analyze(api, request, workspace: workspace, onlyMap: nil)
        }
        r.open(.get, "/api/v1/shared/{token}") { _, context in
            let link = try await shareLink(api, context)
            let map = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.map(workspace: link.workspace, id: link.map) }
            return APIJSON.response(.object([
                ("workspace", .string(link.workspace)), ("expires", APIJSON.date(link.expires)), ("map", MapRoutes.mapJSON(map)),
            ]))
        }
        r.open(.post, "/api/v1/shared/{token}/analyses") { request, context in
            let link = try await shareLink(api, context)
            return try await analyze(api, request, workspace: link.workspace, onlyMap: link.map)
        }
    }

    static func shareLink(_ api: APIContext, _ context: ServerRequestContext) async throws -> ShareLink {
        let token = try context.parameter("token")
        guard let link = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.shareLink(token: token) }) else {
            throw APIError.unauthorizedAPI(.invalidCredential, "this share link does not exist, has expired or was revoked; ask whoever shared it for a new one")
        }
        return link
    }

    static func analyze(_ api: APIContext, _ request: Request, workspace: String, onlyMap: String?) async throws -> Response {
        let bytes = try await APIJSON.bytes(request, limit: api.bodyLimit)
        let query: AnalysisQuery
        do { query = try Analyzer.query(json: Data(bytes)) } catch {
            throw APIError(.badRequest, .invalidQuery, "\(error.description); print a valid query with 'wayfinder analyze KIND --show-query'")
        }
        if let onlyMap, query.journey != onlyMap {
            throw APIError(.forbidden, .forbidden, "journey: this share link reaches only map '\(onlyMap)'; set \"journey\": \"\(onlyMap)\"")
        }
        let map = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.map(workspace: workspace, id: query.journey) }
        let index: JourneyIndex
        do {
            index = try await api.analyses.index(store: api.store, workspace: workspace, map: map, query: query)
        } catch let error as APIError {
            throw error
        } catch let failure as IndexBuilder.Failure {
            throw APIError(.unprocessableContent, .invalidQuery, failure.description)
        }
        let output: AnalysisOutput
        do { output = try Analyzer.run(query, on: index) } catch {
            throw APIError(.unprocessableContent, .invalidQuery, error.description)
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: Analyzer.json(output))))
    }
}
