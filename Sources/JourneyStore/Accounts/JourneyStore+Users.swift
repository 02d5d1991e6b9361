import Foundation

extension SQLWorkspaceStore {
    /// Whether no user exists yet (a first start).
    public func hasUsers() async throws(WorkspaceStoreError) -> Bool {
        try await read { db in try db.value(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM users)") ?? false }
    }

    /// Creates a user with a password hash made by the caller (bcrypt).
    public func createUser(email: String, name: String = "", passwordHash: String, isAdmin: Bool = false,
                           mustChangePassword: Bool = false) async throws(WorkspaceStoreError) -> UserAccount {
        let email = try Self.checkEmail(email)
        let name = try FieldRules.optional(name, field: "name", maximum: FieldRules.maximumName) ?? ""
        return try await write { db in
            if try db.value(Bool.self, sql: "SELECT 1 FROM users WHERE lower(email) = lower(?)", arguments: [email]) == true {
                throw WorkspaceStoreError(.alreadyExists, field: "email", "email: a user with this email exists already; update that user instead")
            }
            let id = try db.insert(sql: "INSERT INTO users (email, name, password_hash, is_admin, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                   arguments: [email, name, passwordHash, isAdmin, mustChangePassword, StoreTime.now()])
            return try Self.user(db, id)
        }
    }

    /// Every user, by number.
    public func users() async throws(WorkspaceStoreError) -> [UserAccount] {
        try await read { db in try db.rows(sql: Self.userQuery + " ORDER BY id").map(Self.user) }
    }

    /// One user.
    public func user(id: Int64) async throws(WorkspaceStoreError) -> UserAccount {
        try await read { db in try Self.user(db, id) }
    }

    /// A user and the password hash, by email, for signing in; nil when there is none.
    public func userForSignIn(email: String) async throws(WorkspaceStoreError) -> (UserAccount, String)? {
        try await read { db in
            guard let row = try db.row(sql: Self.userQuery + " WHERE lower(email) = lower(?)", arguments: [email]) else { return nil }
            let hash = try db.value(String.self, sql: "SELECT password_hash FROM users WHERE id = ?", arguments: [row["id"] as Int64]) ?? ""
            return (try Self.user(row), hash)
        }
    }

    /// The password hash of a user.
    public func passwordHash(user id: Int64) async throws(WorkspaceStoreError) -> String {
        try await read { db in
            guard let hash = try db.value(String.self, sql: "SELECT password_hash FROM users WHERE id = ?", arguments: [id]) else {
                throw WorkspaceStoreError.notFound("id", "there is no user \(id); list users with GET /api/v1/users")
            }
            return hash
        }
    }

    /// Changes a user's name, admin flag or disabled state; nil leaves a value as it is.
    /// Disabling a user ends its sessions.
    public func updateUser(id: Int64, name: String? = nil, isAdmin: Bool? = nil, disabled: Bool? = nil) async throws(WorkspaceStoreError) -> UserAccount {
        let name = try name.map { text throws(WorkspaceStoreError) in try FieldRules.optional(text, field: "name", maximum: FieldRules.maximumName) ?? "" }
        return try await write { db in
            _ = try Self.user(db, id)
            if let name { try db.execute(sql: "UPDATE users SET name = ? WHERE id = ?", arguments: [name, id]) }
            if let isAdmin { try db.execute(sql: "UPDATE users SET is_admin = ? WHERE id = ?", arguments: [isAdmin, id]) }
            if let disabled {
                try db.execute(sql: "UPDATE users SET disabled_at = ? WHERE id = ?", arguments: [disabled ? StoreTime.now() : nil, id])
                if disabled { try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id]) }
            }
            try Self.keepOneAdmin(db)
            return try Self.user(db, id)
        }
    }

    /// Sets a new password hash, clears the one-time flag and ends the user's other sessions.
    public func setPassword(user id: Int64, passwordHash: String, keepSession: Int64? = nil) async throws(WorkspaceStoreError) {
        try await write { db in
            _ = try Self.user(db, id)
            try db.execute(sql: "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?", arguments: [passwordHash, id])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND (CAST(? AS BIGINT) IS NULL OR id <> ?)", arguments: [id, keepSession, keepSession])
            try db.execute(sql: "DELETE FROM sign_in_failures WHERE user_id = ?", arguments: [id])
        }
    }

    /// Deletes a user with its memberships and sessions; the last active server admin cannot be deleted.
    public func deleteUser(id: Int64) async throws(WorkspaceStoreError) {
        try await write { db in
            _ = try Self.user(db, id)
            try db.execute(sql: "DELETE FROM users WHERE id = ?", arguments: [id])
            try Self.keepOneAdmin(db)
        }
    }

    // MARK: Memberships

    /// Sets a user's role in a workspace (adding the membership when there is none).
    public func setMembership(workspace: String, user: Int64, role: Role) async throws(WorkspaceStoreError) -> Membership {
        try await write { db in
            let header = try WorkspaceState.header(db, workspace)
            _ = try Self.user(db, user)
            try Self.keepAnAdmin(db, header, workspace: workspace, user: user, role: role)
            try db.execute(sql: """
                INSERT INTO memberships (user_id, workspace_id, role, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role
                """, arguments: [user, header.rowID, role.rawValue, StoreTime.now()])
            return try Self.memberships(db, sql: "m.user_id = ? AND m.workspace_id = ?", [user, header.rowID])[0]
        }
    }

    /// Removes a user from a workspace; throws not-found when the user was not a member.
    public func removeMembership(workspace: String, user: Int64) async throws(WorkspaceStoreError) {
        try await write { db in
            let header = try WorkspaceState.header(db, workspace)
            try Self.keepAnAdmin(db, header, workspace: workspace, user: user, role: nil)
            if try db.execute(sql: "DELETE FROM memberships WHERE user_id = ? AND workspace_id = ?", arguments: [user, header.rowID]) == 0 {
                throw WorkspaceStoreError.notFound("user", "user \(user) is not a member of workspace '\(workspace)'; list members with GET /api/v1/workspaces/\(workspace)/members")
            }
        }
    }

    /// Refuses to leave a workspace whose admin `user` is without another admin whose account is
    /// enabled: `role` (nil: removed) is what the user would be. Checked inside the write, so two
    /// admins demoting each other at once cannot both succeed. Server admins manage every
    /// workspace either way.
    static func keepAnAdmin(_ db: any StoreTransaction, _ header: WorkspaceState.Header, workspace: String, user: Int64, role: Role?) throws {
        guard role != .admin,
              try db.value(String.self, sql: "SELECT role FROM memberships WHERE user_id = ? AND workspace_id = ?", arguments: [user, header.rowID]) == Role.admin.rawValue
        else { return }
        let others = try db.value(Int.self, sql: """
            SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.workspace_id = ? AND m.role = 'admin' AND m.user_id != ? AND u.disabled_at IS NULL
            """, arguments: [header.rowID, user]) ?? 0
        if others == 0 {
            let email = try db.value(String.self, sql: "SELECT email FROM users WHERE id = ?", arguments: [user]) ?? "user \(user)"
            throw WorkspaceStoreError(.inUse, field: "role", "\(email) is the only admin of workspace '\(workspace)'; make another member admin first")
        }
    }

    /// The members of a workspace.
    public func members(workspace: String) async throws(WorkspaceStoreError) -> [Membership] {
        try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            return try Self.memberships(db, sql: "m.workspace_id = ?", [header.rowID])
        }
    }

    /// The workspaces a user is a member of, with the role in each.
    public func memberships(user: Int64) async throws(WorkspaceStoreError) -> [Membership] {
        try await read { db in try Self.memberships(db, sql: "m.user_id = ?", [user]) }
    }

    static func memberships(_ db: any StoreTransaction, sql condition: String, _ arguments: SQLArguments) throws -> [Membership] {
        try db.rows(sql: """
            SELECT w.slug, m.user_id, u.email, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id JOIN users u ON u.id = m.user_id
            WHERE \(condition) ORDER BY w.slug, lower(u.email)
            """, arguments: arguments).map { row in
            Membership(workspace: try row[0], userID: try row[1], email: try row[2], role: Role(rawValue: try row[3]) ?? .viewer)
        }
    }

    // MARK: Rows

    static var userQuery: String { "SELECT id, email, name, is_admin, must_change_password, created_at, disabled_at FROM users" }

    static func user(_ db: any StoreTransaction, _ id: Int64) throws -> UserAccount {
        guard let row = try db.row(sql: userQuery + " WHERE id = ?", arguments: [id]) else {
            throw WorkspaceStoreError.notFound("id", "there is no user \(id); list users with GET /api/v1/users")
        }
        return try user(row)
    }

    static func user(_ row: SQLRow) throws -> UserAccount {
        UserAccount(id: try row["id"], email: try row["email"], name: try row["name"], isAdmin: try row["is_admin"], mustChangePassword: try row["must_change_password"],
                    created: StoreTime.date(try row["created_at"]), disabled: (try row["disabled_at"] as Int64?) != nil)
    }

    static func keepOneAdmin(_ db: any StoreTransaction) throws {
        let admins = try db.value(Int.self, sql: "SELECT count(*) FROM users WHERE is_admin = 1 AND disabled_at IS NULL") ?? 0
        if admins == 0 {
            throw WorkspaceStoreError(.inUse, field: "is_admin", "this would leave the server without an active admin; make another user admin first")
        }
    }

    static func checkEmail(_ email: String) throws(WorkspaceStoreError) -> String {
        let email = email.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw WorkspaceStoreError.invalid("email", "email: give an address such as maya@example.com (at most 254 characters, no spaces)")
        }
        return email
    }
}
