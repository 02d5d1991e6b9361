import JourneyStore

/// Who may call a route: the one declaration, per operation of ``OpenAPIDocument``, that the
/// OpenAPI document (`security`, `x-wayfinder-access`), the role × route matrix of
/// `docs/security.md` (``SecurityMatrix``) and the permission tests all read.
///
/// A role is always a role in the workspace of the route's `{workspace}`; a server admin has
/// every role in every workspace. A read key acts as a viewer and a read-write key as an editor
/// of its workspace (or of every workspace, when it is limited to none); keys never administer.
public enum RouteAccess: Sendable, Equatable {
    /// Anyone, with no credential at all.
    case anyone
    /// The holder of a share link: its token in the path is the credential, and nothing else is.
    case shareLink
    /// A key that sends events: a write key, or a read-write key (both limited to a workspace),
    /// as the HTTP Basic user name or `writeKey` in the body.
    case collectingKey
    /// Any signed-in user (the session cookie), for their own session and password; keys have none.
    case signedIn
    /// A signed-in user reading their own account, or a server admin reading any.
    case ownAccount
    /// Any signed-in user, or a read or read-write key; the answer holds only the workspaces the
    /// caller has a role in.
    case signedInOrKey
    /// At least this role in the workspace, signed in or with a key that acts with that role.
    case member(Role)
    /// A signed-in member of the workspace with any role: the pages, which take the cookie only.
    case signedInMember
    /// A signed-in member with at least this role: the forms of the pages that change a
    /// workspace, which take the cookie only.
    case signedInRole(Role)
    /// A signed-in admin of a workspace, for the keys limited to the workspaces it administers,
    /// or a server admin, for every key.
    case keyAdmin
    /// A signed-in server admin.
    case serverAdmin

    /// What the route needs, in a few words, as the matrix and the OpenAPI document name it.
    public var summary: String {
        switch self {
        case .anyone: "anyone"
        case .shareLink: "share link"
        case .collectingKey: "write key"
        case .signedIn: "signed in"
        case .ownAccount: "own account, or server admin"
        case .signedInOrKey: "signed in, or a read or read-write key"
        case .member(let role): role == .admin ? "workspace admin" : role.rawValue
        case .signedInMember: "signed-in member"
        case .signedInRole(let role): "signed-in \(role == .admin ? "workspace admin" : role.rawValue)"
        case .keyAdmin: "workspace admin, or server admin"
        case .serverAdmin: "server admin"
        }
    }

    /// Whether a read or read-write key (`Authorization: Bearer`) may succeed at all.
    var takesBearerKeys: Bool {
        switch self {
        case .signedInOrKey: true
        case .member(let role): role < .admin
        default: false
        }
    }

    /// Whether only the session cookie may succeed.
    var needsSession: Bool {
        switch self {
        case .signedIn, .ownAccount, .signedInMember, .signedInRole, .keyAdmin, .serverAdmin: true
        case .member(let role): role == .admin
        default: false
        }
    }
}
