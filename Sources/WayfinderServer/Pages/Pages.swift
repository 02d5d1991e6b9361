import JourneyRender
import Mustache

/// The server's read-only pages, rendered from ``PageTemplates`` with swift-mustache. Every value
/// from a view is HTML-escaped; only markup the renderers made is inserted as it is.
public struct Pages: Sendable {
    private let library: MustacheLibrary

    /// Compiles the templates.
    public init() throws {
        var library = MustacheLibrary()
        for template in PageTemplates.all { try library.register(template.text, named: template.name) }
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

    /// The view and the frame as one context: the view's fields first, then the frame's.
    private func render(_ template: String, _ view: Any, _ frame: PageFrame) -> String {
        let context = PageContext(view: view, frame: frame)
        return library.render(context, withTemplate: template) ?? ""
    }

    /// The page style: the map page's own, plus the bar, tables and forms.
    static let style = HTMLRenderer.style + """

        .bar { display: flex; gap: 1rem; align-items: center; padding: 0.6rem 1.2rem; border-bottom: 1px solid var(--line); }
        .bar .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
        .bar .signout { margin-left: auto; }
        main { padding: 0 1.2rem 2rem; max-width: 1400px; }
        table { border-collapse: collapse; } th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .figures { display: flex; gap: 2rem; list-style: none; padding: 0; }
        .signin { max-width: 22rem; } .signin label, .signin input, .signin button { display: block; width: 100%; margin: 0.3rem 0; }
        .keyform { max-width: 30rem; } .keyform label, .keyform input, .keyform select { display: block; width: 100%; margin: 0.3rem 0; }
        code.secret { font-size: 1.1rem; user-select: all; word-break: break-all; }
        .error { color: #9b2c2c; } .banner { background: #fefcbf; padding: 0.5rem 0.8rem; }
        section.map svg { max-width: 100%; height: auto; }
        footer { color: var(--muted); padding: 1rem 1.2rem; }
        """
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
        case "style": return Pages.style
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
