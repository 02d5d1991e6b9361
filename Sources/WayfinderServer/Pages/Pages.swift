import JourneyRender
import Mustache

/// The server's pages, rendered with swift-mustache from the templates in `Resources/templates`
/// (compiled into the program). Every value from a view is HTML-escaped; only markup the
/// renderers made is inserted as it is.
public struct Pages: Sendable {
    private let library: MustacheLibrary

    /// Compiles the templates.
    public init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Self.templates { try library.register(String(decoding: bytes, as: UTF8.self), named: name) }
        self.library = library
    }

    public func signIn(_ view: SignInView, frame: PageFrame) -> String { render("signin", view, frame) }
    public func password(_ view: PasswordView, frame: PageFrame) -> String { render("password", view, frame) }
    public func keys(_ view: KeysView, frame: PageFrame) -> String { render("keys", view, frame) }
    public func home(_ view: HomeView, frame: PageFrame) -> String { render("home", view, frame) }
    public func map(_ view: MapView, frame: PageFrame) -> String { render("map", view, frame) }
    public func persona(_ view: PersonaView, frame: PageFrame) -> String { render("persona", view, frame) }
    public func shared(_ view: SharedView, frame: PageFrame) -> String { render("shared", view, frame) }
    public func error(_ view: ErrorView, frame: PageFrame) -> String { render("error", view, frame) }
    public func workspaces(_ view: WorkspacesView, frame: PageFrame) -> String { render("workspaces", view, frame) }
    public func editor(_ view: EditorView, frame: PageFrame) -> String { render("editor", view, frame) }
    public func members(_ view: MembersView, frame: PageFrame) -> String { render("members", view, frame) }
    /// The bar with the navigation alone, for a page drawn elsewhere (the report), with its style.
    public func bar(frame: PageFrame) -> String {
        "<style>" + Self.barStyle + "</style>\n" + render("bar", NoView(), frame)
    }

    /// The bar's rules of `pages.css`, for pages that do not load it.
    static let barStyle = """
        .bar { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center; padding: 0.5rem 1.2rem; border-bottom: 1px solid #d9e2ec; background: #fff; font: 15px/1.5 Inter, "Helvetica Neue", Arial, sans-serif; }
        .bar .brand { font-weight: 700; text-decoration: none; color: #1f2933; }
        .bar nav ul { display: flex; gap: 0.2rem 1rem; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
        .bar nav a { color: #1f2933; text-decoration: none; }
        .bar .signout { margin-left: auto; }
        .bar button { font: inherit; padding: 0.2rem 0.7rem; border: 1px solid #9aa5b1; border-radius: 6px; background: #fff; cursor: pointer; }
        @media print { .bar { display: none; } }
        """

    private struct NoView {}

    public func personaEditor(_ view: PersonaEditView, frame: PageFrame) -> String { render("persona-edit", view, frame) }

    /// The view and the frame as one context: the view's fields first, then the frame's.
    private func render(_ template: String, _ view: Any, _ frame: PageFrame) -> String {
        let context = PageContext(view: view, frame: frame)
        return library.render(context, withTemplate: template) ?? ""
    }

    /// The templates by name; `head` and `foot` are the partials every page includes.
    static let templates: [(String, [UInt8])] = [
        ("head", PackageResources.head_mustache), ("foot", PackageResources.foot_mustache),
        ("signin", PackageResources.signin_mustache), ("password", PackageResources.password_mustache),
        ("keys", PackageResources.keys_mustache), ("home", PackageResources.home_mustache),
        ("map", PackageResources.map_mustache), ("persona", PackageResources.persona_mustache),
        ("shared", PackageResources.shared_mustache), ("error", PackageResources.error_mustache),
        ("workspaces", PackageResources.workspaces_mustache), ("editor", PackageResources.editor_mustache),
        ("persona-edit", PackageResources.persona_edit_mustache), ("bar", PackageResources.bar_mustache),
        ("members", PackageResources.members_mustache),
    ]
}

/// What a template sees: the view's properties, then the frame's, then the style; `hasNAME` is
/// true when the view's list `name` is not empty (for a table's head and foot).
private struct PageContext: MustacheParent {
    let view: Any
    let frame: PageFrame

    func child(named name: String) -> Any? {
        if let value = Self.property(view, name) { return value }
        if name.hasPrefix("has"), name.count > 3 {
            let list = name.dropFirst(3).prefix(1).lowercased() + name.dropFirst(4)
            return (Self.property(view, list) as? [Any]).map { !$0.isEmpty } ?? false
        }
        switch name {
        case "title": return frame.title
        case "home": return frame.home
        case "workspace": return frame.workspace
        case "user": return frame.user
        case "csrf": return frame.csrf
        case "workspaceName": return frame.workspaceName ?? frame.workspace
        case "atHome": return frame.section == .home
        case "atWorkspaces": return frame.section == .workspaces
        case "editor": return frame.section == .editor
        case "bodyClass": return frame.section == .editor ? "editing" : nil
        default: return nil
        }
    }

    /// A stored property of `object`, with an optional's value taken out (nil when it has none).
    static func property(_ object: Any, _ name: String) -> Any? {
        guard let value = Mirror(reflecting: object).children.first(where: { $0.label == name })?.value else { return nil }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}
