import Foundation

/// What a member may do in one workspace.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reads maps, personas, comments and analyses.
    case viewer
    /// Also changes maps, personas and comments, imports, uploads events and shares maps.
    case editor
    /// Also manages the workspace's members, keys and settings.
    case admin

    var rank: Int { self == .viewer ? 0 : self == .editor ? 1 : 2 }

    /// Whether `lhs` allows less than `rhs`.
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// A person who signs in. The password hash never leaves the store through this type.
public struct UserAccount: Sendable, Equatable, Codable {
    /// Unique in the store.
    public var id: Int64
    /// The sign-in name, unique regardless of case.
    public var email: String
    /// The display name; may be empty.
    public var name: String
    /// Whether the user administers the whole server: every workspace, users, keys.
    public var isAdmin: Bool
    /// Whether the user signed in with a one-time password and must choose a new one first.
    public var mustChangePassword: Bool
    /// When the account was created.
    public var created: Date
    /// Whether the account may sign in.
    public var disabled: Bool

    enum CodingKeys: String, CodingKey {
        case id, email, name, created, disabled
        case isAdmin = "is_admin"
        case mustChangePassword = "must_change_password"
    }
}

/// A user's role in a workspace.
public struct Membership: Sendable, Equatable, Codable {
    /// The workspace's id.
    public var workspace: String
    /// The user's number.
    public var userID: Int64
    /// The user's email.
    public var email: String
    /// The role.
    public var role: Role

    enum CodingKeys: String, CodingKey {
        case workspace, email, role
        case userID = "user_id"
    }
}

/// A signed-in session, found by its token.
public struct SessionRecord: Sendable, Equatable {
    /// The session's number.
    public var id: Int64
    /// Who signed in.
    public var user: UserAccount
    /// The token every state-changing request of this session must repeat in `X-CSRF-Token`.
    public var csrfToken: String
    /// When it ends.
    public var expires: Date
}

/// A read-only link to one map (and its analyses).
public struct ShareLink: Sendable, Equatable, Codable {
    /// The link's number.
    public var id: Int64
    /// The workspace of the map.
    public var workspace: String
    /// The map's id.
    public var map: String
    /// The token's first characters, to tell links apart; not enough to use it.
    public var prefix: String
    /// Who created it.
    public var createdBy: String
    /// When it was created.
    public var created: Date
    /// When it stops working, if ever.
    public var expires: Date?
    /// When it was revoked.
    public var revoked: Date?

    /// Whether it works at `now`.
    public func isActive(at now: Date = Date()) -> Bool { revoked == nil && (expires.map { $0 > now } ?? true) }

    enum CodingKeys: String, CodingKey {
        case id, workspace, map, prefix, created, expires, revoked
        case createdBy = "created_by"
    }
}

/// A share link just created, with its token: the only time the token is available.
public struct NewShareLink: Sendable, Equatable {
    /// The stored description.
    public var link: ShareLink
    /// The token for the link's URL (`ws_` and 43 characters of base64url, 256 bits).
    public var token: String
}
