import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyAnalytics
import JourneyModel
import JourneyRender
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

    /// Refuses what would show customers' values through a share link: the analyses that list
    /// customers one by one (customers, verbatims; also as the kind of a comparison), and
    /// breakdowns and filters by trait or property, the query's own and those of the two sides of
    /// a comparison. Personas, channels, dates and every other analysis kind stay open.
    static func checkShared(_ query: AnalysisQuery) throws {
        for (field, kind) in [("kind", query.kind), ("options.compare_kind", query.options.compareKind)] where kind.listsCustomers {
            throw APIError(.forbidden, .forbidden, "\(field): a share link shows no customer one by one, so no \(kind.rawValue) list; sign in to see it",
                           problems: [.init(field: field, message: "not through a share link")])
        }
        if query.kind == .attribution || query.options.compareKind == .attribution, query.options.value != nil {
            throw APIError(.forbidden, .forbidden, "options.value: a share link shows no customer's property values, summed or not; credit conversions only, or sign in",
                           problems: [.init(field: "options.value", message: "not through a share link")])
        }
        if let breakdown = query.breakdown, breakdown.kind == .trait || breakdown.kind == .property {
            throw APIError(.forbidden, .forbidden, "breakdown: a share link shows no customer's trait or property values; break down by persona or first_channel, or sign in",
                           problems: [.init(field: "breakdown", message: "persona or first_channel through a share link")])
        }
        let all: [(String, Filters?)] = [("filters", query.filters), ("options.before.filters", query.options.before?.filters),
                                             ("options.after.filters", query.options.after?.filters)]
        for case let (path, filters?) in all where !filters.traits.isEmpty || !filters.properties.isEmpty {
            let field = path + (filters.traits.isEmpty ? ".properties" : ".traits")
            throw APIError(.forbidden, .forbidden, "\(field): a share link takes no trait or property filters; filter by persona, channel or date, or sign in",
                           problems: [.init(field: field, message: "not through a share link")])
        }
    }

    static func shareLink(_ api: APIContext, _ context: ServerRequestContext) async throws -> ShareLink {
        let token = try context.parameter("token")
        guard let link = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.shareLink(token: token) }) else {
            throw APIError.unauthorizedAPI(.invalidCredential, "this share link does not exist, has expired or was revoked; ask whoever shared it for a new one")
        }
        return link
    }

    /// Whether the answer is CSV: `?format=csv` (or `json`) first, else an `Accept` that asks for
    /// `text/csv` and not JSON.
    static func wantsCSV(_ request: Request) throws -> Bool {
        if let format = request.uri.queryParameters.get("format") {
            switch format.lowercased() {
            case "csv": return true
            case "json": return false
            default:
                throw APIError(.badRequest, .invalidRequest, "format: use json or csv (got '\(format.prefix(40))')", problems: [.init(field: "format", message: "one of json, csv")])
            }
        }
        let accept = request.headers[.accept]?.lowercased() ?? ""
        return accept.contains("text/csv") && !accept.contains("json")
    }

    /// The analysis's main table as CSV (`wayfinder analyze --format csv`), as a download.
    static func csvResponse(_ output: AnalysisOutput) -> Response {
        let query = output.query
        let name = ([query.journey, query.kind.rawValue] + (query.kind.listsCustomers ? [query.options.touchpoint ?? query.options.step ?? ""] : []))
            .map { String($0.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" ? Character($0) : "-" }) }
            .joined(separator: "-")
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name.prefix(120)).csv\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: AnalysisTable.csv(output))))
    }

    /// The rows of a customer or verbatim list a JSON answer holds when the query names no `limit`.
    static let defaultListPage = 1_000

    static func analyze(_ api: APIContext, _ request: Request, workspace: String, onlyMap: String?) async throws -> Response {
        let csv = try wantsCSV(request)
        let bytes = try await APIJSON.bytes(request, limit: api.bodyLimit)
        var query: AnalysisQuery
        do { query = try Analyzer.query(json: Data(bytes)) } catch {
            throw APIError(.badRequest, .invalidQuery, "\(error.description); print a valid query with 'wayfinder analyze KIND --show-query'")
        }
        if let onlyMap {
            if query.journey != onlyMap {
                throw APIError(.forbidden, .forbidden, "journey: this share link reaches only map '\(onlyMap)'; set \"journey\": \"\(onlyMap)\"")
            }
            try checkShared(query)
            // Conformance names example customers; a share link shows none.
            query.options.examples = 0
        }
        // A list of customers or answers as JSON comes a page at a time (the total says how many
        // there are); the CSV download holds them all.
        if query.kind.listsCustomers, !csv, query.options.limit == nil { query.options.limit = Self.defaultListPage }
        let map = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.map(workspace: workspace, id: query.journey) }
        func answer(_ output: AnalysisOutput) -> Response {
            var output = output
            // Names of events no touchpoint describes come from the customers' data (a page's name
            // may hold anything): a share link shows their count only.
            if onlyMap != nil { output.index.topUnclassified = [] }
            if csv { return csvResponse(output) }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: Analyzer.json(output))))
        }
        // On a cluster, what it can count itself is counted there.
        if let counted = try await api.analyses.counted(store: api.store, workspace: workspace, map: map, query: query) { return answer(counted) }
        let index: JourneyIndex
        do {
            index = try await api.analyses.index(store: api.store, workspace: workspace, map: map, query: query)
        } catch let error as APIError {
            throw error
        } catch let failure as IndexBuilder.Failure {
            throw APIError(.unprocessableContent, .invalidQuery, failure.description)
        }
        do { return answer(try Analyzer.run(query, on: index)) } catch {
            throw APIError(.unprocessableContent, .invalidQuery, error.description)
        }
    }
}
