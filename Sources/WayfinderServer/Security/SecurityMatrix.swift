import JourneyStore

/// Who may call what: the role × route matrix of `docs/security.md`, generated from the access
/// each operation of ``OpenAPIDocument`` declares (``RouteAccess``). `wayfinder schema --format
/// security-matrix` prints it; a test holds it against the document and against the server.
public enum SecurityMatrix {
    /// A kind of caller: one column of the matrix.
    public enum Column: String, CaseIterable, Sendable {
        /// No credential.
        case anonymous
        /// The token of a share link of one map.
        case shareLink = "share link"
        /// A write key of a workspace.
        case writeKey = "write key"
        /// A read key.
        case readKey = "read key"
        /// A read-write key.
        case readWriteKey = "read-write key"
        /// A signed-in viewer of the workspace.
        case viewer
        /// A signed-in editor of the workspace.
        case editor
        /// A signed-in admin of the workspace.
        case workspaceAdmin = "workspace admin"
        /// A signed-in server admin.
        case serverAdmin = "server admin"

        /// Whether the caller is a signed-in user (the session cookie).
        public var isSignedIn: Bool { [.viewer, .editor, .workspaceAdmin, .serverAdmin].contains(self) }

        /// The role the caller acts with in the workspace, nil for none.
        var role: Role? {
            switch self {
            case .anonymous, .shareLink, .writeKey: nil
            case .readKey, .viewer: .viewer
            case .readWriteKey, .editor: .editor
            case .workspaceAdmin, .serverAdmin: .admin
            }
        }
    }

    /// What a kind of caller gets from a route.
    public enum Cell: String, Sendable {
        /// Let through.
        case allowed = "✓"
        /// Refused: 401 or 403 (a page sends the browser to sign in, or answers 403).
        case refused = "—"
        /// Let through for the caller's own account only.
        case ownAccount = "own"
        /// Let through for the keys of the workspaces the caller administers only.
        case ownWorkspaces = "its keys"

        /// Whether the caller gets through at all.
        public var allows: Bool { self != .refused }
    }

    /// One route: a row of the matrix.
    public struct Row: Sendable {
        /// The HTTP method, upper case.
        public var method: String
        /// The path template, as the router has it (`/api/v1/workspaces/{workspace}`).
        public var path: String
        /// Who may call it.
        public var access: RouteAccess
        /// Whether it is a page for the browser (HTML; refuses by sending to sign in).
        public var page: Bool
    }

    /// Every route of the server, in the order of the OpenAPI document.
    public static var rows: [Row] {
        OpenAPIDocument.operations.map { Row(method: $0.method.uppercased(), path: $0.path, access: $0.access, page: $0.page) }
    }

    /// What `column` gets from a route that needs `access`.
    public static func cell(_ access: RouteAccess, _ column: Column) -> Cell {
        switch access {
        case .anyone:
            return .allowed
        case .shareLink:
            return column == .shareLink ? .allowed : .refused
        case .collectingKey:
            return column == .writeKey || column == .readWriteKey ? .allowed : .refused
        case .signedIn, .signedInMember:
            return column.isSignedIn ? .allowed : .refused
        case .ownAccount:
            return column == .serverAdmin ? .allowed : column.isSignedIn ? .ownAccount : .refused
        case .signedInOrKey:
            return column.isSignedIn || column == .readKey || column == .readWriteKey ? .allowed : .refused
        case .member(let needed):
            return (column.role.map { $0 >= needed } ?? false) ? .allowed : .refused
        case .signedInRole(let needed):
            return column.isSignedIn && (column.role.map { $0 >= needed } ?? false) ? .allowed : .refused
        case .keyAdmin:
            return column == .serverAdmin ? .allowed : column == .workspaceAdmin ? .ownWorkspaces : .refused
        case .serverAdmin:
            return column == .serverAdmin ? .allowed : .refused
        }
    }

    /// The matrix as a Markdown table with its legend.
    public static func markdown() -> String {
        let columns = Column.allCases
        var lines = [
            "| route | needs | " + columns.map(\.rawValue).joined(separator: " | ") + " |",
            "| --- | --- | " + columns.map { _ in ":-:" }.joined(separator: " | ") + " |",
        ]
        for row in rows {
            let cells = columns.map { cell(row.access, $0).rawValue }
            lines.append("| `\(row.method) \(row.path)` | \(row.access.summary) | " + cells.joined(separator: " | ") + " |")
        }
        lines += [
            "",
            "\(Cell.allowed.rawValue): let through (it may still answer 400, 404 or 409 for what it was sent); "
                + "\(Cell.refused.rawValue): refused with 401 (no valid credential) or 403 (a credential without the right); "
                + "a page refuses by sending the browser to sign in (303 to `/signin?next=…`) or with a 403 page, "
                + "and a share page answers a link that does not work with a 404 page. "
                + "\(Cell.ownAccount.rawValue): the caller's own account only. "
                + "\(Cell.ownWorkspaces.rawValue): only keys limited to a workspace the caller administers, and new keys for such a workspace.",
            "",
            "Roles are roles in the route's `{workspace}`: a member of another workspace, or a signed-in user with no role in it, "
                + "is refused wherever a viewer is needed, and a key limited to another workspace acts with no role in it. "
                + "A server admin has every role in every workspace. A read key acts as a viewer and a read-write key as an editor; "
                + "keys never administer. The share-link column is the token in the path of `/share/…` and `/api/v1/shared/…`; "
                + "the token is no credential anywhere else, and no other credential opens those routes without a valid token.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
