import JourneyStore

/// The people of a workspace for its admins: each member's name, email and role (with the roles
/// to choose from), the form that invites someone, and what an invitation just did.
public struct MembersView: Sendable {
    /// One member.
    public struct Row: Sendable {
        public var userID: String, name: String, email: String
        public var roles: [Choice]
        public var isYou: Bool
    }

    /// A role in a list to choose from.
    public struct Choice: Sendable {
        public var value: String, label: String, selected: Bool
    }

    /// Who was just invited, and the one-time password of an account made for them (shown once).
    public struct Invited: Sendable {
        public var name: String, email: String, role: String, article: String
        public var password: String?
    }

    public var workspace: String
    public var workspaceName: String
    public var members: [Row]
    public var roles: [Choice]
    /// Whether the person may make accounts (a server admin), not only add existing ones.
    public var canCreateAccounts: Bool
    public var error: String?
    public var invited: Invited?
    /// Where people sign in.
    public var signIn = ""

    /// The three roles, what each may do, with `selected` chosen.
    static func choices(selected: Role) -> [Choice] {
        [(Role.viewer, "viewer: looks at maps and reports"), (.editor, "editor: also changes maps and personas"),
         (.admin, "admin: also manages people, keys and alerts")].map { Choice(value: $0.0.rawValue, label: $0.1, selected: $0.0 == selected) }
    }
}
