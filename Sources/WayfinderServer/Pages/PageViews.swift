import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyRender
import JourneyStore

/// What every page shows in its head: the title, where "Wayfinder" leads, the workspace and
/// the signed-in user with the token the sign-out form sends.
public struct PageFrame: Sendable {
    /// Which part of the navigation a page belongs to, marked as the current one.
    public enum Section: Sendable { case workspaces, home, editor, other }

    public var title: String
    public var home: String
    public var workspace: String?
    /// The workspace's name, shown in the navigation (its id when nil).
    public var workspaceName: String?
    public var user: String?
    public var csrf: String?
    public var section: Section

    public init(title: String, home: String = "/", workspace: String? = nil, workspaceName: String? = nil, user: String? = nil, csrf: String? = nil,
                section: Section = .other) {
        self.title = title
        self.home = home
        self.workspace = workspace
        self.workspaceName = workspaceName
        self.user = user
        self.csrf = csrf
        self.section = section
    }
}

/// The sign-in page.
public struct SignInView: Sendable {
    /// Why the last attempt failed, in words for the person signing in.
    public var error: String?
    /// The user name to keep in the field after a failed attempt.
    public var username: String?
    /// Where to go after signing in (a path on this server).
    public var next: String
    /// The token the form sends back, equal to the sign-in cookie (a forged cross-site post has neither).
    public var formToken: String

    public init(error: String? = nil, username: String? = nil, next: String = "/", formToken: String = "") {
        self.error = error
        self.username = username
        self.next = Self.local(next)
        self.formToken = formToken
    }

    /// `path` when it is a path on this server, else `/`: one leading `/` and not `//`, no
    /// backslash, no control, format or white-space character, whether written as is or
    /// percent-encoded (decoded until nothing changes), since browsers drop tabs and line
    /// breaks and read `\\` as `/`, which would turn `/%09/evil.example` into `//evil.example`.
    public static func local(_ path: String) -> String {
        guard path.utf8.count <= 2048 else { return "/" }
        var forms = [path]
        while let last = forms.last, last.contains("%") {
            guard forms.count <= 4, let decoded = last.removingPercentEncoding else { return "/" }
            if decoded == last { break }
            forms.append(decoded)
        }
        for form in forms {
            guard form.hasPrefix("/"), !form.hasPrefix("//"), !form.contains("\\") else { return "/" }
            let refused = form.unicodeScalars.contains { scalar in
                scalar.properties.isWhitespace || [.control, .format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
            }
            if refused { return "/" }
        }
        return path
    }
}

/// The form that replaces the signed-in user's password.
public struct PasswordView: Sendable {
    /// Whether the user signed in with a one-time password that must be replaced first.
    public var oneTime: Bool
    /// Why the last attempt failed.
    public var error: String?
    /// The shortest password accepted.
    public var minimumLength: Int

    public init(oneTime: Bool, error: String? = nil, minimumLength: Int) {
        self.oneTime = oneTime
        self.error = error
        self.minimumLength = minimumLength
    }
}

/// The keys a signed-in admin manages, the form that makes one, and a new key's secret once.
public struct KeysView: Sendable {
    public struct Row: Sendable {
        public var id: Int64
        public var kind: String
        public var name: String
        public var prefix: String
        public var scope: String
        public var createdAt: String
        public var revokedAt: String
        public var active: Bool
        /// The session's token, for the row's revoke form.
        public var csrf: String
    }

    public struct Created: Sendable {
        public var id: Int64
        public var secret: String
        public var collects: Bool
        /// The server's own address, for the curl example.
        public var origin: String
    }

    public struct Scope: Sendable {
        public var value: String
        public var label: String
    }

    public var keys: [Row]
    public var scopes: [Scope]
    public var created: Created?
    public var error: String?

    public init(keys: [APIKey], workspaces: [String], serverAdmin: Bool, csrf: String, created: Created? = nil, error: String? = nil) {
        self.keys = keys.map { key in
            Row(id: key.id, kind: key.kind.rawValue, name: key.name, prefix: key.prefix, scope: key.workspace ?? "every workspace",
                createdAt: key.createdAt, revokedAt: key.revokedAt ?? "", active: key.isActive, csrf: csrf)
        }
        scopes = workspaces.map { Scope(value: $0, label: $0) } + (serverAdmin ? [Scope(value: "", label: "every workspace (server admins only)")] : [])
        self.created = created
        self.error = error
    }
}

/// A workspace's home: its maps, personas, data sources and event counts.
public struct HomeView: Sendable {
    public struct MapRow: Sendable {
        public var id: String, title: String, state: String, version: Int, updated: String, link: String, reportLink: String, editLink: String
    }

    public struct PersonaRow: Sendable {
        public var name: String, quote: String?, link: String
    }

    /// An import preset the upload form offers.
    public struct PresetOption: Sendable {
        public var name: String, summary: String
    }

    public var name: String
    public var description: String?
    public var events: String, customers: String, feedback: String
    /// The exports of other tools an upload may be read as.
    public var presets: [PresetOption] = ImportPreset.all.map { PresetOption(name: $0.name, summary: $0.summary) }
    public var maps: [MapRow]
    public var personas: [PersonaRow]
    public var sources: [SourceRecord]
    /// Whether the person may make and edit maps and personas here (an editor or admin).
    public var canEdit = false
    /// Whether the person manages the workspace's people (an admin).
    public var canManage = false
    /// The session's token, sent by the forms.
    public var csrf: String?
    /// What went wrong with a form sent before.
    public var error: String?
    /// The templates a new map may start from.
    public var templates: [TemplateChoice] = WorkspaceTemplate.allCases.map { TemplateChoice(value: "template:\($0.rawValue)", label: "\($0.rawValue): \($0.summary)") }

    /// A template a new map can start from.
    public struct TemplateChoice: Sendable {
        public var value: String, label: String
    }

    /// The home of workspace `id` as the store holds it; links start with `base` (e.g. `/w/retail`).
    public static func load(_ store: any ServerStore, workspace id: String, base: String) async throws -> HomeView {
        let info = try await store.workspace(id)
        let data = try await store.customerData(id)
        let (counts, sources) = try await data.overview()
        let maps = try await store.maps(workspace: id).map { map in
            MapRow(id: map.id, title: map.title, state: map.state, version: map.currentVersion, updated: Self.date(map.updated),
                   link: "\(base)/maps/\(map.id)", reportLink: "\(base)/maps/\(map.id)/report", editLink: "\(base)/maps/\(map.id)/edit")
        }
        let personas = try await store.personas(workspace: id).map { stored in
            PersonaRow(name: stored.persona.name, quote: stored.persona.quote, link: "\(base)/personas/\(stored.id)")
        }
        return HomeView(name: info.name, description: info.description, events: ChartFormat.count(counts.events),
                        customers: ChartFormat.count(counts.customers), feedback: ChartFormat.count(counts.feedback),
                        maps: maps, personas: personas, sources: sources)
    }

    static func date(_ date: Date) -> String { Timestamp.iso8601(Int64(date.timeIntervalSince1970 * 1000)) }
}

/// A journey map with live numbers on each touchpoint.
public struct MapView: Sendable {
    public var mapTitle: String
    public var version: Int
    public var updated: String?
    public var reportLink: String
    public var headlines: [String]
    /// Why a map shows no measured numbers: it is not live yet.
    public var notice: String?
    /// The map as SVG, drawn by `JourneyMapRenderer` (which escapes every value).
    public var svg: String
    /// Where an editor of the workspace edits the map (nil for viewers and share links).
    public var editLink: String?
    /// The open comment threads, listed under the map (nil: no list).
    public var commentList: CommentListView?

    /// The view of `map` in `workspace`, with the numbers of `report` when there is one, and the
    /// open threads' markers (`comments` by element, each linking to `commentLinks[element]`).
    public init(map: JourneyMap, workspace: Workspace, version: Int, updated: String?, reportLink: String, report: JourneyReport?, comments: [String: Int] = [:],
                commentLinks: [String: String] = [:]) {
        mapTitle = map.title
        self.version = version
        self.updated = updated
        self.reportLink = reportLink
        headlines = report?.headlines ?? []
        notice = Liveness(map, measureFuture: false).isMeasured ? nil : Liveness.note(map, measureFuture: false)
        let measured = report.map { ReportPage.measuredLines($0, journey: map) } ?? [:]
        svg = JourneyMapRenderer(journey: map, workspace: workspace, options: .init(measured: measured, comments: comments, commentLinks: commentLinks)).svg()
    }
}

/// A persona's card with how many customers it describes and how many of them reach each
/// measured map's goal (current-state maps, and future-state maps once live).
public struct PersonaView: Sendable {
    public struct Measured: Sendable {
        public var customers: String, share: String
        public var maps: [MapConversion]
    }

    /// The persona's conversion on one map: customers with an event on the map, and the share of
    /// them who reached its goal.
    public struct MapConversion: Sendable {
        public var title: String, goal: String, withEvents: String, conversion: String
    }

    /// The card, drawn by `HTMLRenderer` (which escapes every value).
    public var card: String
    public var measured: Measured?
    /// Where an editor edits the persona (nil for viewers).
    public var editLink: String?

    /// The view of `persona`, with its row of each map's coverage (the first map's for the counts);
    /// `photo` is the address of its stored photo, when it has one.
    public init(persona: Persona, coverage: [(map: JourneyMap, coverage: PersonaCoverageResult)], photo: String? = nil) {
        card = HTMLRenderer.personaCard(persona, photo: photo)
        let rows = coverage.compactMap { map, result in result.personas.first { $0.id == persona.id }.map { (map, $0) } }
        measured = rows.first.map { _, first in
            Measured(customers: ChartFormat.count(first.customers), share: ChartFormat.percent(first.share), maps: rows.map { map, row in
                MapConversion(title: map.title, goal: map.goal.flatMap { goal in map.touchpoint(goal)?.name ?? map.stage(goal)?.name } ?? map.stages.last?.name ?? "",
                              withEvents: ChartFormat.count(row.withEvents), conversion: row.conversion.map { ChartFormat.percent($0) } ?? "none")
            })
        }
    }
}

/// One map behind a share link.
public struct SharedView: Sendable {
    public var mapTitle: String
    public var headlines: [String]
    public var notice: String?
    public var svg: String
    public var expires: String?
    public var reportLink: String?
    /// The open comment threads, read-only and without authors' names.
    public var commentList: CommentListView?

    public init(map: MapView, expires: String?, reportLink: String?) {
        mapTitle = map.mapTitle
        headlines = map.headlines
        notice = map.notice
        svg = map.svg
        self.expires = expires
        self.reportLink = reportLink
    }
}

/// A page for a request that cannot be served, saying what to do.
public struct ErrorView: Sendable {
    public var heading: String
    public var message: String

    public init(heading: String, message: String) {
        self.heading = heading
        self.message = message
    }
}

/// The workspaces a person may open, and the form for a new one (server admins).
public struct WorkspacesView: Sendable {
    public struct Row: Sendable {
        public var name: String, description: String?, link: String
    }

    public var workspaces: [Row]
    public var canCreate: Bool
    public var csrf: String
    public var error: String?
}

/// The map editor: the page's frame and what its script needs to start (the map to load, the
/// session's token for the API, whether the person may change it).
public struct EditorView: Sendable {
    public var workspace: String
    public var mapID: String
    public var mapTitle: String
    public var version: Int
    public var canEdit: Bool
    public var user: String
    public var viewLink: String
    public var reportLink: String
}

/// The persona editor: the page's frame and what its script needs to start.
public struct PersonaEditView: Sendable {
    public var workspace: String
    public var personaID: String
    public var personaName: String
    public var viewLink: String
}
