import Foundation
import HTTPTypes
import Hummingbird
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore
import NIOCore

/// The read-only pages in the browser: sign in and out, a workspace's home, a map with live
/// numbers and its report, a persona, and the view behind a share link. A page that needs a
/// session and has none sends the browser to the sign-in page (303) and back afterwards.
enum PageRoutes {
    /// The cookie that pairs the sign-in form with the browser that asked for it.
    static let formCookie = "wayfinder_signin"
    /// The cookie that lets the keys page show a key just made, once.
    static let newKeyCookie = "wayfinder_new_key"

    static func register(_ r: APIRegistrar, pages: Pages, newKeys: NewKeyNotes) {
        let api = r.api
        let settings = api.configuration.accounts

        r.open(.get, "/signin") { request, _ in
            signInForm(pages, settings, next: request.uri.queryParameters.get("next").map { String($0) } ?? "/", status: .ok)
        }
        r.open(.post, "/signin") { request, context in
            let form = try await FormBody.read(request)
            let next = SignInView.local(form["next"] ?? "/")
            guard let cookie = request.cookies[formCookie]?.value, Authenticator.constantTimeEqual(cookie, form["token"] ?? "") else {
                return signInForm(pages, settings, next: next, status: .forbidden, error: "This sign-in form has expired or came from another page; sign in again here.")
            }
            do {
                let (token, session) = try await SessionRoutes.signIn(api, email: form["username"] ?? "", password: form["password"] ?? "",
                                                                    from: api.client(request, context))
                var response = redirect(session.user.mustChangePassword ? "/password" : next)
                response.setCookie(Cookie(name: Authenticator.cookieName, value: token, maxAge: Int(settings.sessionLifetime), path: "/",
                                          secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
                response.setCookie(Cookie(name: formCookie, value: "", maxAge: 0, path: "/signin", secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
                return response
            } catch let error as APIError {
                var response = signInForm(pages, settings, next: next, status: error.status, error: error.message, username: form["username"])
                if let retry = error.headers[.retryAfter] { response.headers[.retryAfter] = retry }
                return response
            }
        }
        r.open(.get, "/password") { request, _ in
            guard let session = try await session(api, request) else { return redirect("/signin?next=/password") }
            return passwordForm(pages, settings, session, status: .ok)
        }
        r.open(.post, "/password") { request, _ in
            let form = try await FormBody.read(request)
            guard let session = try await session(api, request) else { return redirect("/signin?next=/password") }
            guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
                return passwordForm(pages, settings, session, status: .forbidden,
                                    error: "This form did not carry this session's token; it may be from an older page. Type the passwords again here.")
            }
            let new = form["new"] ?? ""
            guard new == form["confirm"] ?? "" else {
                return passwordForm(pages, settings, session, status: .badRequest, error: "The new password and its repetition differ; type both again.")
            }
            do {
                try await SessionRoutes.changePassword(api, session: session, current: form["current"] ?? "", new: new)
            } catch let error as APIError where error.status == .forbidden || error.status == .badRequest {
                let message = error.status == .forbidden ? "That is not your current password; type it again."
                    : error.message.replacingOccurrences(of: "password: ", with: "").capitalizedFirst + "."
                return passwordForm(pages, settings, session, status: error.status, error: message)
            }
            return redirect("/")
        }
        r.open(.get, "/keys") { request, _ in
            guard let session = try await session(api, request) else { return redirect("/signin?next=/keys") }
            if session.user.mustChangePassword { return redirect("/password") }
            guard let token = request.cookies[newKeyCookie]?.value, !token.isEmpty else {
                return try await keysPage(api, pages, request, session, status: .ok)
            }
            var response = try await keysPage(api, pages, request, session, status: .ok, created: await newKeys.take(token, user: session.user.id))
            response.setCookie(Cookie(name: newKeyCookie, value: "", maxAge: 0, path: "/keys", secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        r.open(.post, "/keys") { request, _ in
            let (form, session): ([String: String], SessionRecord)
            switch try await keysForm(api, pages, request, redo: "Make the key") {
            case .answer(let response): return response
            case .checked(let checked, let signedIn): (form, session) = (checked, signedIn)
            }
            guard let kind = APIKey.Kind(rawValue: form["kind"] ?? "") else {
                return try await keysPage(api, pages, request, session, status: .badRequest, error: "Choose the kind of key: write, read or read-write.")
            }
            let workspace = form["workspace"].flatMap { $0.isEmpty ? nil : $0 }
            let created: NewAPIKey
            do {
                created = try await AccountRoutes.createKey(api, Caller(credential: .session(session), store: api.store), kind: kind, name: form["name"] ?? "", workspace: workspace)
            } catch let error as APIError where error.status != .internalServerError {
                return try await keysPage(api, pages, request, session, status: error.status, error: error.message.capitalizedFirst)
            }
            let origin = (settings.secureCookies ? "https://" : "http://") + (request.head.authority ?? "127.0.0.1:8080")
            // Shown once by the page the browser is sent to, so that reloading it makes no second key.
            let note = await newKeys.keep(KeysView.Created(id: created.key.id, secret: created.secret, collects: created.key.kind.collects, origin: origin),
                                          user: session.user.id)
            var response = redirect("/keys")
            response.setCookie(Cookie(name: newKeyCookie, value: note, maxAge: 60, path: "/keys", secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        r.open(.post, "/keys/{key}/revoke") { request, context in
            let session: SessionRecord
            switch try await keysForm(api, pages, request, redo: "Revoke the key") {
            case .answer(let response): return response
            case .checked(_, let signedIn): session = signedIn
            }
            do {
                _ = try await AccountRoutes.revokeKey(api, Caller(credential: .session(session), store: api.store), id: try context.number("key"))
            } catch let error as APIError where error.status != .internalServerError {
                return try await keysPage(api, pages, request, session, status: error.status, error: error.message.capitalizedFirst)
            }
            return redirect("/keys")
        }
        r.open(.post, "/signout") { request, _ in
            let form = try await FormBody.read(request)
            if let session = try await session(api, request) {
                guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
                    return page(pages.error(ErrorView(heading: "Not signed out", message: "The sign-out form did not carry this session's token; use the Sign out button of a page of this server."),
                                            frame: frame("Not signed out", session)), status: .forbidden)
                }
                try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.deleteSession(id: session.id) }
            }
            var response = redirect("/signin")
            response.setCookie(Cookie(name: Authenticator.cookieName, value: "", maxAge: 0, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        r.open(.get, "/") { request, _ in
            guard let session = try await session(api, request) else { return redirect("/signin") }
            if session.user.mustChangePassword { return redirect("/password") }
            let workspaces = try await storeCall { () async throws(WorkspaceStoreError) in
                session.user.isAdmin ? try await api.store.workspaces().map(\.id) : try await api.store.memberships(user: session.user.id).map(\.workspace)
            }
            // One workspace: its home; none or several: the list, with the form for a new one.
            if workspaces.count == 1, let only = workspaces.first { return redirect("/w/\(only)") }
            return try await WorkspacePageRoutes.workspacesPage(api, pages, session, status: .ok)
        }
        r.open(.get, "/w/{workspace}") { request, context in
            let workspace = try context.parameter("workspace")
            return try await member(api, pages, request, workspace) { session in
                try await homePage(api, pages, session, workspace: workspace, status: .ok)
            }
        }
        r.open(.get, "/w/{workspace}/maps/{map}") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            return try await member(api, pages, request, workspace) { session in
                let (stored, model, report) = try await measured(api, workspace: workspace, map: id)
                let threads = try await openThreads(api, workspace: workspace, map: id)
                var view = MapView(map: stored.map, workspace: model, version: stored.version.number, updated: HomeView.date(stored.version.created),
                                   reportLink: "/w/\(workspace)/maps/\(id)/report", report: report,
                                   comments: markerCounts(threads, on: stored.map), commentLinks: CommentListView.markerLinks(threads))
                view.commentList = CommentListView(threads: threads, map: stored.map, shared: false)
                if let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace), role >= .editor {
                    view.editLink = "/w/\(workspace)/maps/\(id)/edit"
                }
                return page(pages.map(view, frame: frame(stored.map.title, session, workspace: workspace)), status: .ok)
            }
        }
        r.open(.get, "/w/{workspace}/maps/{map}/report") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("map")
            return try await member(api, pages, request, workspace) { session in
                let (stored, model, report) = try await measured(api, workspace: workspace, map: id)
                let bar = pages.bar(frame: PageFrame(title: stored.map.title, workspace: workspace, workspaceName: model.name ?? workspace, user: session.user.email,
                                                     csrf: session.csrfToken))
                return page(reportPage(report, stored.map, model).replacingOccurrences(of: "<body>\n", with: "<body>\n" + bar), status: .ok)
            }
        }
        r.open(.get, "/w/{workspace}/personas/{persona}") { request, context in
            let workspace = try context.parameter("workspace"), id = try context.parameter("persona")
            return try await member(api, pages, request, workspace) { session in
                let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.persona(workspace: workspace, id: id) }
                let coverage = try await personaCoverage(api, workspace: workspace)
                let hasPhoto = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.personaPhoto(workspace: workspace, persona: id) } != nil
                var view = PersonaView(persona: stored.persona, coverage: coverage, photo: hasPhoto ? "/w/\(workspace)/personas/\(id)/photo" : nil)
                if let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace), role >= .editor {
                    view.editLink = "/w/\(workspace)/personas/\(id)/edit"
                }
                return page(pages.persona(view, frame: frame(stored.persona.name, session, workspace: workspace)), status: .ok)
            }
        }
        r.open(.get, "/share/{token}") { _, context in
            guard let link = try await shareLink(api, context) else { return expiredLink(pages) }
            let (stored, model, report) = try await measured(api, workspace: link.workspace, map: link.map, sharing: true)
            let threads = try await openThreads(api, workspace: link.workspace, map: link.map)
            let view = MapView(map: stored.map, workspace: model, version: stored.version.number, updated: nil, reportLink: "", report: report,
                               comments: markerCounts(threads, on: stored.map), commentLinks: CommentListView.markerLinks(threads))
            var shared = SharedView(map: view, expires: link.expires.map(HomeView.date), reportLink: "/share/\(try context.parameter("token"))/report")
            shared.commentList = CommentListView(threads: threads, map: stored.map, shared: true)
            return page(pages.shared(shared,
                                     frame: PageFrame(title: stored.map.title, home: "/share/\(try context.parameter("token"))")), status: .ok)
        }
        r.open(.get, "/share/{token}/report") { _, context in
            guard let link = try await shareLink(api, context) else { return expiredLink(pages) }
            let (stored, model, report) = try await measured(api, workspace: link.workspace, map: link.map, sharing: true)
            return page(reportPage(report, stored.map, model), status: .ok)
        }
    }

    // MARK: Pieces

    /// A workspace's home for a member, with the forms for a new map and persona when they may
    /// make them, and `error` from a form sent before.
    static func homePage(_ api: APIContext, _ pages: Pages, _ session: SessionRecord, workspace: String, status: HTTPResponse.Status,
                         error: String? = nil) async throws -> Response {
        let role = try await Caller(credential: .session(session), store: api.store).role(in: workspace)
        var view: HomeView
        do { view = try await HomeView.load(api.store, workspace: workspace, base: "/w/\(workspace)") } catch let error as WorkspaceStoreError { throw APIError(error) }
        view.canEdit = role.map { $0 >= .editor } ?? false
        view.canManage = role == .admin
        view.csrf = session.csrfToken
        view.error = error
        return page(pages.home(view, frame: PageFrame(title: view.name, workspace: workspace, workspaceName: view.name, user: session.user.email,
                                                      csrf: session.csrfToken, section: .home)), status: status)
    }

    /// The open comment threads of a map, oldest first.
    static func openThreads(_ api: APIContext, workspace: String, map: String) async throws -> [CommentThread] {
        try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.commentThreads(workspace: workspace, map: map, includeResolved: false) }
    }

    /// The number of open threads on each stage and touchpoint of `map` (`stage:ID`, `touchpoint:ID`, a card's threads, a
    /// deleted card's too, counted on its touchpoint), for the markers on the drawn map; elements no longer on the map have none.
    static func markerCounts(_ threads: [CommentThread], on map: JourneyMap) -> [String: Int] {
        var counts: [String: Int] = [:]
        for thread in threads where !thread.isResolved {
            switch thread.comment.target {
            case .map: continue
            case .stage(let id): if map.stage(id) == nil { continue }
            case .touchpoint(let id), .card(let id, _, _), .removedCard(let id, _): if map.touchpoint(id) == nil { continue }
            }
            if let element = thread.comment.target.element { counts[element, default: 0] += 1 }
        }
        return counts
    }

    /// The session of the request's cookie, if it is valid.
    static func session(_ api: APIContext, _ request: Request) async throws -> SessionRecord? {
        guard let token = request.cookies[Authenticator.cookieName]?.value, !token.isEmpty else { return nil }
        return try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.session(token: token) }
    }

    /// Runs `body` for a signed-in member (any role) of `workspace`; else the sign-in page or a 403 page.
    static func member(_ api: APIContext, _ pages: Pages, _ request: Request, _ workspace: String,
                       _ body: (SessionRecord) async throws -> Response) async throws -> Response {
        guard let session = try await session(api, request) else {
            return redirect("/signin?next=\(request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "?", "+"])) ?? "/")")
        }
        if session.user.mustChangePassword { return redirect("/password") }
        guard try await Caller(credential: .session(session), store: api.store).role(in: workspace) != nil else {
            return page(pages.error(ErrorView(heading: "Not your workspace", message: "You have no role in this workspace; ask one of its admins to add you."),
                                    frame: frame("Not your workspace", session)), status: .forbidden)
        }
        do {
            return try await body(session)
        } catch let error as APIError where error.status == .notFound {
            return page(pages.error(ErrorView(heading: "Not found", message: error.message), frame: frame("Not found", session, workspace: workspace)), status: .notFound)
        }
    }

    /// A map with its workspace and the report over the stored events (ordered 30-day funnel as the
    /// base), or no report for a map that is not live yet (``Liveness``), whose designed values are
    /// shown instead; `sharing` (behind a share link) names no example customers and no event outside the map.
    static func measured(_ api: APIContext, workspace: String, map id: String, sharing: Bool = false) async throws -> (StoredMap, Workspace, JourneyReport?) {
        let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.map(workspace: workspace, id: id) }
        let model = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.exportWorkspace(workspace) }
        guard Liveness(stored.map, measureFuture: false).isMeasured else { return (stored, model, nil) }
        var options = Options()
        options.top = 50
        if sharing { options.examples = 0 }
        let query = AnalysisQuery(kind: .funnel, journey: id, options: options)
        let index = try await api.analyses.index(store: api.store, workspace: workspace, map: stored, query: query)
        do {
            return (stored, model, try JourneyReport(index: index, base: query, eventNames: !sharing))
        } catch {
            throw APIError(.unprocessableContent, .invalidQuery, error.description)
        }
    }

    /// The report page of a measured map, or the designed page of a map that is not live yet, with
    /// the server's icon (the page written as a file has none).
    static func reportPage(_ report: JourneyReport?, _ map: JourneyMap, _ workspace: Workspace) -> String {
        let html = report.map { ReportPage.html($0, journey: map, workspace: workspace) }
            ?? ReportPage.designed(journey: map, workspace: workspace, note: Liveness.note(map, measureFuture: false) ?? "")
        return html.replacingOccurrences(of: "</head>", with: "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n</head>")
    }

    /// Persona coverage over each measured map of `workspace` (current-state maps, and future-state
    /// maps once live), in map order: the result of the query `{"kind": "personas", "journey": MAP}`
    /// that `wayfinder analyze personas` and the JSON API run, so the persona page shows the same numbers.
    static func personaCoverage(_ api: APIContext, workspace: String) async throws -> [(map: JourneyMap, coverage: PersonaCoverageResult)] {
        let summaries = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.maps(workspace: workspace) }
        var measured: [(map: JourneyMap, coverage: PersonaCoverageResult)] = []
        for summary in summaries {
            let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.map(workspace: workspace, id: summary.id) }
            guard Liveness(stored.map, measureFuture: false).isMeasured else { continue }
            let query = AnalysisQuery(kind: .personas, journey: summary.id)
            let index = try await api.analyses.index(store: api.store, workspace: workspace, map: stored, query: query)
            do {
                guard let coverage = try Analyzer.run(query, on: index).personas else { continue }
                measured.append((stored.map, coverage))
            } catch {
                throw APIError(.unprocessableContent, .invalidQuery, error.description)
            }
        }
        return measured
    }

    static func shareLink(_ api: APIContext, _ context: ServerRequestContext) async throws -> ShareLink? {
        let token = try context.parameter("token")
        return try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.shareLink(token: token) }
    }

    static func expiredLink(_ pages: Pages) -> Response {
        page(pages.error(ErrorView(heading: "This link does not work", message: "The share link does not exist, has expired or was revoked; ask whoever shared it for a new one."),
                         frame: PageFrame(title: "Link not valid")), status: .notFound)
    }

    static func signInForm(_ pages: Pages, _ settings: AccountSettings, next: String, status: HTTPResponse.Status, error: String? = nil,
                           username: String? = nil) -> Response {
        let token = StoreSecrets.random(prefix: "")
        var response = page(pages.signIn(SignInView(error: error, username: username, next: next, formToken: token), frame: PageFrame(title: "Sign in")), status: status)
        response.setCookie(Cookie(name: formCookie, value: token, maxAge: 3600, path: "/signin", secure: settings.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    /// A form posted from the keys page: its fields and session once checked, or the answer instead.
    enum KeysForm {
        case checked([String: String], SessionRecord)
        case answer(Response)
    }

    /// Reads a keys form: a session is needed (else sign in), a chosen password (else choose
    /// one), and the session's token in the form (else the page again, saying to `redo` it).
    static func keysForm(_ api: APIContext, _ pages: Pages, _ request: Request, redo: String) async throws -> KeysForm {
        let form = try await FormBody.read(request)
        guard let session = try await session(api, request) else { return .answer(redirect("/signin?next=/keys")) }
        if session.user.mustChangePassword { return .answer(redirect("/password")) }
        guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
            return .answer(try await keysPage(api, pages, request, session, status: .forbidden,
                                              error: "This form did not carry this session's token; it may be from an older page. \(redo) again here."))
        }
        return .checked(form, session)
    }

    /// The keys page of a signed-in admin, or a page saying who manages keys.
    static func keysPage(_ api: APIContext, _ pages: Pages, _ request: Request, _ session: SessionRecord, status: HTTPResponse.Status,
                         created: KeysView.Created? = nil, error: String? = nil) async throws -> Response {
        let caller = Caller(credential: .session(session), store: api.store)
        let keys: [APIKey]
        do { keys = try await AccountRoutes.visibleKeys(caller, store: api.store) } catch let refusal as APIError {
            return page(pages.error(ErrorView(heading: "Keys are managed by admins", message: refusal.message.capitalizedFirst + "."),
                                    frame: frame("API keys", session)), status: refusal.status)
        }
        let workspaces = try await storeCall { () async throws(WorkspaceStoreError) in
            session.user.isAdmin ? try await api.store.workspaces().map(\.id)
                : try await api.store.memberships(user: session.user.id).filter { $0.role == .admin }.map(\.workspace)
        }
        let view = KeysView(keys: keys.reversed(), workspaces: workspaces, serverAdmin: session.user.isAdmin, csrf: session.csrfToken, created: created, error: error)
        return page(pages.keys(view, frame: frame("API keys", session)), status: status)
    }

    static func passwordForm(_ pages: Pages, _ settings: AccountSettings, _ session: SessionRecord, status: HTTPResponse.Status, error: String? = nil) -> Response {
        page(pages.password(PasswordView(oneTime: session.user.mustChangePassword, error: error, minimumLength: settings.minimumPasswordLength),
                            frame: frame("Choose a password", session)), status: status)
    }

    static func frame(_ title: String, _ session: SessionRecord, workspace: String? = nil, workspaceName: String? = nil) -> PageFrame {
        PageFrame(title: title, workspace: workspace, workspaceName: workspaceName, user: session.user.email, csrf: session.csrfToken)
    }

    /// What a page may load: scripts, styles, images and connections (the API, the WebSocket) of
    /// this server only; no inline script, no plug-in, no framing, forms posted here only.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// An HTML page that loads nothing from elsewhere and runs only this server's scripts.
    static func page(_ html: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy,
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

extension String {
    /// The text with its first letter in upper case.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// A form posted as `application/x-www-form-urlencoded`.
enum FormBody {
    /// Bytes of a form.
    static let maximumBytes = 16 * 1024

    static func read(_ request: Request) async throws -> [String: String] {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(.unsupportedMediaType, .unsupportedMediaType, "send the form as application/x-www-form-urlencoded, as a browser does")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maximumBytes) } catch {
            throw APIError(.contentTooLarge, .tooLarge, "the form is over 16 KB; send only its fields")
        }
        return parse(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// The fields of `text` (`a=1&b=x+y`), percent-decoded; the first of repeated names wins.
    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String { String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
