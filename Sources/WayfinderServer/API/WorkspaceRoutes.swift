import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyAnalytics
import JourneyModel
import JourneyStore

/// Workspaces, their import and export, and personas.
enum WorkspaceRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        let store = api.store
        r.on(.get, "/api/v1/workspaces") { _, _, caller in
            try caller.refuseWriteKey()
            let all = try await storeCall { () async throws(WorkspaceStoreError) in try await store.workspaces() }
            var visible: [WorkspaceInfo] = []
            for workspace in all where try await caller.role(in: workspace.id) != nil { visible.append(workspace) }
            return APIJSON.response(.object([("workspaces", APIJSON.value(visible))]))
        }
        r.on(.post, "/api/v1/workspaces") { request, _, caller in
            try caller.requireServerAdmin("creating a workspace")
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let id = try APIJSON.string(body, "id", required: true) ?? ""
            let name = try APIJSON.string(body, "name") ?? id
            let description = try APIJSON.string(body, "description")
            let info = try await storeCall { () async throws(WorkspaceStoreError) in try await store.createWorkspace(id: id, name: name, description: description) }
            return APIJSON.response(encoding: info, status: .created)
        }
        r.on(.get, "/api/v1/workspaces/{workspace}") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            return APIJSON.response(encoding: try await storeCall { () async throws(WorkspaceStoreError) in try await store.workspace(workspace) })
        }
        r.on(.patch, "/api/v1/workspaces/{workspace}") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let current = try await storeCall { () async throws(WorkspaceStoreError) in try await store.workspace(workspace) }
            let name = try APIJSON.string(body, "name") ?? current.name
            let description = body["description"] == nil ? current.description : try APIJSON.string(body, "description")
            let info = try await storeCall { () async throws(WorkspaceStoreError) in try await store.updateWorkspace(workspace, name: name, description: description) }
            return APIJSON.response(encoding: info)
        }
        r.on(.delete, "/api/v1/workspaces/{workspace}") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let remove = { () async throws in try await storeCall { () async throws(WorkspaceStoreError) in try await store.deleteWorkspace(workspace) } }
            if let copies = api.analyses.copies {
                // With a cluster (`serve --events`), its copy of the customer data goes first.
                let customers = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
                do { try await copies.delete(workspace, data: customers, then: remove) } catch { throw AnalysisCache.clusterFailure(error) }
            } else {
                try await remove()
            }
            return APIJSON.noContent()
        }
        r.on(.post, "/api/v1/workspaces/{workspace}/import") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let syntax = try Self.syntax(request, header: .contentType)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let message = request.uri.queryParameters.get("message")
            let result = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.importWorkspace(workspace, text: text, file: "import.\(syntax.rawValue)", syntax: syntax, author: caller.author, message: message)
            }
            return APIJSON.response(.object([
                ("workspace", .string(result.workspace)), ("workspace_outcome", .string(result.workspaceOutcome.rawValue)),
                ("personas", APIJSON.value(result.personas)), ("maps", APIJSON.value(result.maps)), ("warnings", APIJSON.value(result.warnings)),
            ]))
        }
        r.on(.get, "/api/v1/workspaces/{workspace}/export") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            let syntax = try Self.syntax(request, header: .accept)
            let exported = try await storeCall { () async throws(WorkspaceStoreError) in try await store.exportWorkspace(workspace) }
            let text = syntax == .yaml ? WorkspaceCodec.yaml(exported) : WorkspaceCodec.json(exported)
            return Response(status: .ok, headers: [.contentType: syntax == .yaml ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"\(workspace).\(syntax.rawValue)\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }

        // Personas.
        r.on(.get, "/api/v1/workspaces/{workspace}/personas") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.viewer, in: workspace)
            let personas = try await storeCall { () async throws(WorkspaceStoreError) in try await store.personas(workspace: workspace) }
            return APIJSON.response(.object([("personas", .array(personas.map(personaJSON)))]))
        }
        r.on(.post, "/api/v1/workspaces/{workspace}/personas") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let id = try APIJSON.documentID(text, of: "persona")
            return try await savePersona(store, workspace: workspace, id: id, text: text, createOnly: true)
        }
        r.on(.post, "/api/v1/workspaces/{workspace}/personas/preview") { request, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.editor, in: workspace)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            let decoded = WorkspaceCodec.decode(Array(text.utf8), file: "personas/preview.json", syntax: .json, content: .persona(index: 0))
            guard let persona = decoded.workspace?.personas.first, !decoded.diagnostics.hasErrors else {
                throw APIError(WorkspaceStoreError.invalidDocument("persona", decoded.diagnostics))
            }
            let data = try await storeCall { () async throws(WorkspaceStoreError) in try await store.customerData(workspace) }
            return APIJSON.response(encoding: try MatchPreview.persona(persona, store: data))
        }
        r.on(.put, "/api/v1/workspaces/{workspace}/personas/{persona}/photo") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            try await caller.require(.editor, in: workspace)
            let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            let bytes = try await APIJSON.bytes(request, limit: WorkspaceLimits.maximumPersonaPhoto)
            try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.setPersonaPhoto(workspace: workspace, persona: id, mediaType: type, bytes: bytes)
            }
            // The persona names its photo by the page address that serves it.
            let address = "/w/\(workspace)/personas/\(id)/photo"
            var persona = try await storeCall { () async throws(WorkspaceStoreError) in try await store.persona(workspace: workspace, id: id) }.persona
            if persona.photo != address {
                persona.photo = address
                _ = try await storeCall { () async throws(WorkspaceStoreError) in try await store.savePersona(workspace: workspace, id: id, persona: persona) }
            }
            return APIJSON.response(.object([("photo", .string(address)), ("media_type", .string(type)), ("bytes", .number(Double(bytes.count)))]))
        }
        r.on(.get, "/api/v1/workspaces/{workspace}/personas/{persona}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            try await caller.require(.viewer, in: workspace)
            return APIJSON.response(personaJSON(try await storeCall { () async throws(WorkspaceStoreError) in try await store.persona(workspace: workspace, id: id) }))
        }
        r.on(.put, "/api/v1/workspaces/{workspace}/personas/{persona}") { request, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            try await caller.require(.editor, in: workspace)
            let text = try await APIJSON.text(request, limit: api.bodyLimit)
            return try await savePersona(store, workspace: workspace, id: id, text: text, createOnly: false)
        }
        r.on(.delete, "/api/v1/workspaces/{workspace}/personas/{persona}") { _, context, caller in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            try await caller.require(.editor, in: workspace)
            try await storeCall { () async throws(WorkspaceStoreError) in try await store.deletePersona(workspace: workspace, id: id) }
            return APIJSON.noContent()
        }
    }

    static func savePersona(_ store: any ServerStore, workspace: String, id: String, text: String, createOnly: Bool) async throws -> Response {
        let result = try await storeCall { () async throws(WorkspaceStoreError) in
            try await store.savePersona(workspace: workspace, id: id, text: text, syntax: .json, createOnly: createOnly)
        }
        let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await store.persona(workspace: workspace, id: id) }
        var json = personaJSON(stored)
        if case .object(var entries) = json {
            entries.append(("outcome", .string(result.outcome.rawValue)))
            entries.append(("warnings", APIJSON.value(result.warnings)))
            json = .object(entries)
        }
        return APIJSON.response(json, status: result.outcome == .created ? .created : .ok)
    }

    static func personaJSON(_ stored: StoredPersona) -> JSONValue {
        .object([
            ("id", .string(stored.id)), ("created", APIJSON.date(stored.created)), ("updated", APIJSON.date(stored.updated)),
            ("persona", APIJSON.document(WorkspaceCodec.text(stored.persona, syntax: .json))),
        ])
    }

    /// The syntax of a request body (Content-Type) or of the answer (Accept), `?format=` first.
    static func syntax(_ request: Request, header: HTTPField.Name) throws -> DocumentReader.Syntax {
        if let format = request.uri.queryParameters.get("format") {
            guard let syntax = DocumentReader.Syntax(rawValue: format.lowercased()) else {
                throw APIError(.badRequest, .invalidRequest, "format: use yaml or json", problems: [.init(field: "format", message: "one of yaml, json")])
            }
            return syntax
        }
        let value = request.headers[header]?.lowercased() ?? ""
        if value.contains("yaml") { return .yaml }
        if value.contains("json") { return .json }
        return header == .contentType ? .yaml : .json
    }
}
