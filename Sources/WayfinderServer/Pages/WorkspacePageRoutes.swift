import Foundation
import HTTPTypes
import Hummingbird
import JourneyModel
import JourneyStore
import NIOCore

/// The pages where people make things: the list of their workspaces with a form for a new one,
/// the forms of a workspace's home for a new map (blank, from a template or a copy) and a new
/// persona, and the map editor. The forms work without JavaScript: each posts with the
/// session's token and leads to what it made.
enum WorkspacePageRoutes {
    static func register(_ r: APIRegistrar, pages: Pages) {
        let api = r.api
        r.open(.get, "/workspaces") { request, _ in
            guard let session = try await PageRoutes.session(api, request) else { return PageRoutes.redirect("/signin?next=/workspaces") }
            if session.user.mustChangePassword { return PageRoutes.redirect("/password") }
            return try await workspacesPage(api, pages, session, status: .ok)
        }
        r.open(.post, "/workspaces") { request, _ in
            guard let session = try await PageRoutes.session(api, request) else { return PageRoutes.redirect("/signin?next=/workspaces") }
            let form = try await FormBody.read(request)
            guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
                return try await workspacesPage(api, pages, session, status: .forbidden, error: "This form did not carry this session's token; it may be from an older page. Make the workspace again here.")
            }
            guard session.user.isAdmin else {
                return try await workspacesPage(api, pages, session, status: .forbidden, error: "Only a server admin makes workspaces; ask one to make it and add you.")
            }
            let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let id = (form["id"] ?? "").isEmpty ? Slug.make(name) : form["id"] ?? ""
            do {
                _ = try await api.store.createWorkspace(id: id, name: name.isEmpty ? id : name, description: (form["description"] ?? "").isEmpty ? nil : form["description"])
            } catch let error as WorkspaceStoreError {
                return try await workspacesPage(api, pages, session, status: .unprocessableContent, error: APIError(error).message.capitalizedFirst + ".")
            }
            return PageRoutes.redirect("/w/\(id)")
        }
        r.open(.post, "/w/{workspace}/maps") { request, context in
            let workspace = try context.parameter("workspace")
            return try await editorForm(api, pages, request, workspace) { session, form in
                let id = try await newMap(api, workspace: workspace, form: form, author: session.user.email)
                return PageRoutes.redirect("/w/\(workspace)/maps/\(id)/edit")
            }
        }
        r.open(.post, "/w/{workspace}/personas") { request, context in
            let workspace = try context.parameter("workspace")
            return try await editorForm(api, pages, request, workspace) { _, form in
                let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !name.isEmpty else { throw APIError(.badRequest, .invalidRequest, "give the persona a name") }
                let taken = Set(try await api.store.personas(workspace: workspace).map(\.id))
                let id = Slug.unique(Slug.make(name), taken: taken)
                do {
                    _ = try await api.store.savePersona(workspace: workspace, id: id, persona: Persona(id: id, name: name))
                } catch let error as WorkspaceStoreError { throw APIError(error) }
                return PageRoutes.redirect("/w/\(workspace)/personas/\(id)")
            }
        }
        r.open(.get, "/w/{workspace}/personas/{persona}/edit") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            return try await PageRoutes.member(api, pages, request, workspace) { session in
                guard let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace), role >= .editor else {
                    return PageRoutes.redirect("/w/\(workspace)/personas/\(id)")
                }
                let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.persona(workspace: workspace, id: id) }
                let info = try await workspaceInfo(api, workspace)
                let view = PersonaEditView(workspace: workspace, personaID: id, personaName: stored.persona.name, viewLink: "/w/\(workspace)/personas/\(id)")
                return PageRoutes.page(pages.personaEditor(view, frame: PageFrame(title: "Edit \(stored.persona.name)", workspace: workspace, workspaceName: info.name,
                                                                                  user: session.user.email, csrf: session.csrfToken)), status: .ok)
            }
        }
        r.open(.get, "/w/{workspace}/personas/{persona}/photo") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            return try await PageRoutes.member(api, pages, request, workspace) { _ in
                guard let photo = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.personaPhoto(workspace: workspace, persona: id) }) else {
                    throw APIError(.notFound, .notFound, "persona '\(id)' has no photo")
                }
                return Response(status: .ok, headers: [
                    .contentType: photo.mediaType, .cacheControl: "private, max-age=60",
                    .contentSecurityPolicy: "default-src 'none'; sandbox",
                ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: photo.bytes)))
            }
        }
        r.open(.get, "/w/{workspace}/maps/{map}/edit") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            return try await PageRoutes.member(api, pages, request, workspace) { session in
                let stored: StoredMap
                do { stored = try await api.store.map(workspace: workspace, id: id) } catch let error as WorkspaceStoreError { throw APIError(error) }
                let info = try await workspaceInfo(api, workspace)
                let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace)
                let view = EditorView(workspace: workspace, mapID: id, mapTitle: stored.map.title, version: stored.currentVersion,
                                      canEdit: role.map { $0 >= .editor } ?? false, user: session.user.email,
                                      viewLink: "/w/\(workspace)/maps/\(id)", reportLink: "/w/\(workspace)/maps/\(id)/report")
                return PageRoutes.page(pages.editor(view, frame: PageFrame(title: stored.map.title, workspace: workspace, workspaceName: info.name,
                                                                           user: session.user.email, csrf: session.csrfToken, section: .editor)),
                                       status: .ok)
            }
        }
    }

    /// The workspaces a person may open, by name, with the form for a new one.
    static func workspacesPage(_ api: APIContext, _ pages: Pages, _ session: SessionRecord, status: HTTPResponse.Status, error: String? = nil) async throws -> Response {
        let all = try await visibleWorkspaces(api, session)
        let view = WorkspacesView(workspaces: all.map { .init(name: $0.name, description: $0.description, link: "/w/\($0.id)") },
                                  canCreate: session.user.isAdmin, csrf: session.csrfToken, error: error)
        return PageRoutes.page(pages.workspaces(view, frame: PageFrame(title: "Workspaces", user: session.user.email, csrf: session.csrfToken, section: .workspaces)),
                               status: status)
    }

    /// Every workspace for a server admin; a member's own otherwise.
    static func visibleWorkspaces(_ api: APIContext, _ session: SessionRecord) async throws -> [WorkspaceInfo] {
        try await storeCall { () async throws(WorkspaceStoreError) in
            if session.user.isAdmin { return try await api.store.workspaces() }
            var mine: [WorkspaceInfo] = []
            for membership in try await api.store.memberships(user: session.user.id) { mine.append(try await api.store.workspace(membership.workspace)) }
            return mine
        }
    }

    static func workspaceInfo(_ api: APIContext, _ id: String) async throws -> WorkspaceInfo {
        do { return try await api.store.workspace(id) } catch { throw APIError(error) }
    }

    /// Runs `body` for a form of an editor (or admin) of `workspace` that carries the session's
    /// token; a refusal or a problem is shown on the workspace's home.
    static func editorForm(_ api: APIContext, _ pages: Pages, _ request: Request, _ workspace: String,
                           _ body: (SessionRecord, [String: String]) async throws -> Response) async throws -> Response {
        try await PageRoutes.member(api, pages, request, workspace) { session in
            let form = try await FormBody.read(request)
            let problem: String, status: HTTPResponse.Status
            if !Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) {
                (problem, status) = ("This form did not carry this session's token; it may be from an older page. Send it again here.", .forbidden)
            } else if let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace), role >= .editor {
                do { return try await body(session, form) } catch let error as APIError where error.status != .internalServerError {
                    (problem, status) = (error.message.capitalizedFirst + ".", error.status)
                } catch let error as WorkspaceStoreError where APIError(error).status != .internalServerError {
                    (problem, status) = (APIError(error).message.capitalizedFirst + ".", APIError(error).status)
                }
            } else {
                (problem, status) = ("Viewers cannot change this workspace; ask one of its admins to make you an editor.", .forbidden)
            }
            return try await PageRoutes.homePage(api, pages, session, workspace: workspace, status: status, error: problem)
        }
    }

    /// Makes the map a new-map form asks for and returns its id: `start` is `blank`,
    /// `template:NAME` (its current-state map, with the template's personas the workspace lacks)
    /// or `copy:MAP`.
    static func newMap(_ api: APIContext, workspace: String, form: [String: String], author: String) async throws -> String {
        let title = (form["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let start = form["start"] ?? "blank"
        let store = api.store
        do {
            let taken = Set(try await store.maps(workspace: workspace).map(\.id))
            var map: JourneyMap
            if start.hasPrefix("template:") {
                guard let template = WorkspaceTemplate(rawValue: String(start.dropFirst("template:".count))) else {
                    throw APIError(.badRequest, .invalidRequest, "there is no template '\(start.dropFirst("template:".count))'; choose one of \(WorkspaceTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let model = template.workspace
                guard let current = model.journeys.first(where: { $0.state == .current }) ?? model.journeys.first else {
                    throw APIError(.internalServerError, .internalError, "the template holds no map")
                }
                map = current
                let have = Set(try await store.personas(workspace: workspace).map(\.id))
                for persona in model.personas where map.personas.contains(persona.id) && !have.contains(persona.id) {
                    _ = try await store.savePersona(workspace: workspace, id: persona.id, persona: persona)
                }
            } else if start.hasPrefix("copy:") {
                map = try await store.map(workspace: workspace, id: String(start.dropFirst("copy:".count))).map
                if title.isEmpty { map.title += " (copy)" }
            } else {
                guard !title.isEmpty else { throw APIError(.badRequest, .invalidRequest, "give the new map a title") }
                map = JourneyMap(id: "map", title: title)
            }
            if !title.isEmpty { map.title = title }
            map.id = Slug.unique(Slug.make(map.title), taken: taken)
            _ = try await store.saveMap(workspace: workspace, id: map.id, map: map, author: author, message: "Made in the browser", baseVersion: 0)
            return map.id
        } catch let error as WorkspaceStoreError {
            throw APIError(error)
        }
    }
}

/// Ids made from names, as the journey-as-code format wants them (`[a-z0-9]+(-[a-z0-9]+)*`).
enum Slug {
    /// Lower-case ASCII letters and digits of `name` joined by single hyphens, at most 60
    /// characters; "item" when nothing is left.
    static func make(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var id = ""
        var gap = false
        for scalar in folded.unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if gap, !id.isEmpty { id += "-" }
                id.unicodeScalars.append(scalar)
                gap = false
            } else {
                gap = true
            }
            if id.count >= 60 { break }
        }
        while id.hasSuffix("-") { id.removeLast() }
        return id.isEmpty ? "item" : id
    }

    /// `id`, or `id-2`, `id-3`… when it is taken.
    static func unique(_ id: String, taken: Set<String>) -> String {
        guard taken.contains(id) else { return id }
        var number = 2
        while taken.contains("\(id)-\(number)") { number += 1 }
        return "\(id)-\(number)"
    }
}
