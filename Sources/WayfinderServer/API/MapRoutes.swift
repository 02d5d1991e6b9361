import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyAnalytics
import JourneyModel
import JourneyRender
import NIOCore
import JourneyStore

/// Journey maps: every save a new version; versions, diffs, restores, and share links.
enum MapRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        let store = api.store
        let base = "/api/v1/workspaces/{workspace}/maps"
        r.on(.get, base) { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            let maps = try await storeCall { () async throws(WorkspaceStoreError) in try await store.maps(workspace: workspace) }
            return APIJSON.response(.object([("maps", APIJSON.value(maps))]))
        }
        r.on(.post, base) { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let id = try APIJSON.documentID(text, of: "map")
            return try await save(store, request, workspace: workspace, id: id, text: text, author: caller.author, baseVersion: 0)
        }
        r.on(.get, base + "/{map}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.viewer, in: workspace)
            return APIJSON.response(mapJSON(try await storeCall { () async throws(WorkspaceStoreError) in try await store.map(workspace: workspace, id: id) }))
        }
        r.on(.put, base + "/{map}") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let baseVersion = try APIJSON.integer(request.uri.queryParameters.get("base_version"), "base_version").map { Int($0) }
            return try await save(store, request, workspace: workspace, id: id, text: text, author: caller.author, baseVersion: baseVersion)
        }
        r.on(.delete, base + "/{map}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            try await storeCall { () async throws(WorkspaceStoreError) in try await store.deleteMap(workspace: workspace, id: id) }
            return APIJSON.noContent()
        }
        r.on(.get, base + "/{map}/export") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.viewer, in: workspace)
            let name = request.uri.queryParameters.get("format").map { String($0) } ?? "yaml"
            guard let format = MapExport.Format(rawValue: name) else {
                throw APIError(.badRequest, .invalidRequest, "format: expected one of \(MapExport.Format.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name.prefix(40))'")
            }
            let version = try APIJSON.integer(request.uri.queryParameters.get("version"), "version").map { Int($0) }
            let stored = try await storeCall { () async throws(WorkspaceStoreError) in
                if let version { try await store.map(workspace: workspace, id: id, version: version) } else { try await store.map(workspace: workspace, id: id) }
            }
            let model = try await storeCall { () async throws(WorkspaceStoreError) in try await store.exportWorkspace(workspace) }
            let compare = try APIJSON.boolean(request.uri.queryParameters.get("compare").map { String($0) }, "compare") ?? false
            let text: String
            if compare {
                let current = try Self.improved(stored.map, in: model, format: format)
                text = MapExport.text(current, in: model, format: format, compareWith: stored.map)
            } else {
                text = MapExport.text(stored.map, in: model, format: format)
            }
            let file = "\(id)\(version.map { "-v\($0)" } ?? "")\(compare ? "-compared" : "").\(format.fileExtension)"
            return Response(status: .ok, headers: [.contentType: format.mediaType, .contentDisposition: "attachment; filename=\"\(file)\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        r.on(.post, base + "/{map}/preview") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            guard let touchpoint = request.uri.queryParameters.get("touchpoint").map({ String($0) }), !touchpoint.isEmpty else {
                throw APIError(.badRequest, .invalidRequest, "touchpoint: name the touchpoint to preview, as ?touchpoint=ID")
            }
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let decoded = WorkspaceCodec.decode(Array(text.utf8), file: "journeys/\(id).json", syntax: .json, content: .journey(index: 0))
            guard let map = decoded.workspace?.journeys.first, !decoded.diagnostics.hasErrors else {
                throw APIError(WorkspaceStoreError.invalidDocument("map '\(id)'", decoded.diagnostics))
            }
            let data = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
            do {
                return APIJSON.response(encoding: try MatchPreview.touchpoint(touchpoint, in: map, store: data))
            } catch let failure as MatchPreview.Failure {
                throw APIError(.notFound, .notFound, failure.description)
            }
        }
        r.on(.get, base + "/{map}/versions") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.viewer, in: workspace)
            let versions = try await storeCall { () async throws(WorkspaceStoreError) in try await store.mapVersions(workspace: workspace, id: id) }
            return APIJSON.response(.object([("versions", APIJSON.value(versions))]))
        }
        r.on(.get, base + "/{map}/versions/{version}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map"), version = Int(try context.number("version"))
            try await caller.require(.viewer, in: workspace)
            return APIJSON.response(mapJSON(try await storeCall { () async throws(WorkspaceStoreError) in try await store.map(workspace: workspace, id: id, version: version) }))
        }
        r.on(.post, base + "/{map}/versions/{version}/restore") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map"), version = Int(try context.number("version"))
            try await caller.require(.editor, in: workspace)
            let message = request.uri.queryParameters.get("message")
            let result = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.restoreMap(workspace: workspace, id: id, version: version, author: caller.author, message: message)
            }
            return APIJSON.response(saveJSON(result))
        }
        r.on(.get, base + "/{map}/diff") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.viewer, in: workspace)
            guard let from = try APIJSON.integer(request.uri.queryParameters.get("from"), "from"),
                  let to = try APIJSON.integer(request.uri.queryParameters.get("to"), "to") else {
                throw APIError(.badRequest, .invalidRequest, "give the two versions to compare: ?from=1&to=2")
            }
            let diff = try await storeCall { () async throws(WorkspaceStoreError) in try await store.diffMap(workspace: workspace, id: id, from: Int(from), to: Int(to)) }
            return APIJSON.response(diffJSON(diff, old: "version \(from)", new: "version \(to)"))
        }

        // Share links (editor and up).
        r.on(.get, base + "/{map}/shares") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            let links = try await storeCall { () async throws(WorkspaceStoreError) in try await store.shareLinks(workspace: workspace, map: id) }
            return APIJSON.response(.object([("shares", APIJSON.value(links))]))
        }
        r.on(.post, base + "/{map}/shares") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            var expires: Date?
            if let text = try APIJSON.string(body, "expires") {
                guard let date = ISO8601DateFormatter().date(from: text) else {
                    throw APIError(.badRequest, .invalidRequest, "expires: give a time such as 2026-12-31T23:59:59Z, or leave it out for no expiry", problems: [.init(field: "expires", message: "ISO 8601 time")])
                }
                expires = date
            }
            let created = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.createShareLink(workspace: workspace, map: id, createdBy: caller.author, expires: expires)
            }
            var json = APIJSON.value(created.link)
            if case .object(var entries) = json {
                entries.append(("token", .string(created.token)))
                // The page a person opens, and beside it the API's view of the same link.
                entries.append(("url", .string("/share/\(created.token)")))
                entries.append(("api_path", .string("/api/v1/shared/\(created.token)")))
                json = .object(entries)
            }
            return APIJSON.response(json, status: .created)
        }
        r.on(.delete, base + "/{map}/shares/{share}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map"), share = try context.number("share")
            try await caller.require(.editor, in: workspace)
            let link = try await storeCall { () async throws(WorkspaceStoreError) in try await store.revokeShareLink(workspace: workspace, map: id, id: share) }
            return APIJSON.response(encoding: link)
        }
    }

    static func save(_ store: any ServerStore, _ request: Request, workspace: String, id: String, text: String, author: String, baseVersion: Int?) async throws -> Response {
        let message = request.uri.queryParameters.get("message")
        let result = try await storeCall { () async throws(WorkspaceStoreError) in
            try await store.saveMap(workspace: workspace, id: id, text: text, syntax: .json, author: author, message: message, baseVersion: baseVersion)
        }
        return APIJSON.response(saveJSON(result), status: result.outcome == .created ? .created : .ok)
    }

    static func mapJSON(_ stored: StoredMap) -> JSONValue {
        .object([
            ("id", .string(stored.id)), ("current_version", .number(Double(stored.currentVersion))), ("created", APIJSON.date(stored.created)),
            ("version", APIJSON.value(stored.version)), ("map", APIJSON.document(WorkspaceCodec.text(stored.map, syntax: .json))),
        ])
    }

    static func saveJSON(_ result: MapSaveResult) -> JSONValue {
        .object([
            ("id", .string(result.id)), ("outcome", .string(result.outcome.rawValue)), ("version", APIJSON.value(result.version)),
            ("changes", APIJSON.value(result.diff.changes)), ("warnings", APIJSON.value(result.warnings)),
        ])
    }

    /// The diff as `wayfinder diff --format json` writes it.
    static func diffJSON(_ diff: WorkspaceDiff, old: String, new: String) -> JSONValue {
        let summary = [WorkspaceDiff.Change.Action.added, .removed, .moved, .edited].map { ($0.rawValue, JSONValue.number(Double(diff.counts[$0] ?? 0))) }
        return .object([("old", .string(old)), ("new", .string(new)), ("summary", .object(summary)), ("changes", APIJSON.value(diff.changes))])
    }

    /// The current-state map that `future` improves, to draw beside it; a map that is not a
    /// future-state map with `improves`, a format other than SVG or HTML, or a map it improves
    /// that is gone is refused with what to do.
    static func improved(_ future: JourneyMap, in workspace: Workspace, format: MapExport.Format) throws -> JourneyMap {
        guard format == .svg || format == .html else {
            throw APIError(.badRequest, .invalidRequest, "compare: draws two maps side by side in svg or html, not \(format.rawValue)")
        }
        guard future.state == .future, let improves = future.improves else {
            throw APIError(.badRequest, .invalidRequest, "compare: '\(future.id)' is not a future-state map with 'improves'; set its state to future and name the map it improves")
        }
        guard let current = workspace.journeys.first(where: { $0.id == improves }) else {
            throw APIError(.notFound, .notFound, "compare: '\(future.id)' improves '\(improves)', which is not a map of this workspace (any more); name another in 'improves'")
        }
        return current
    }
}
