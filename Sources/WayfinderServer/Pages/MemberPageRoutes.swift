import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// The page where a workspace's admins invite colleagues and choose what each may do: the
/// members with their roles, a form that adds a person by email (making their account with a
/// one-time password, shown once, when a server admin invites someone new), and per member a
/// role to change and a button that removes them. Forms work without JavaScript.
enum MemberPageRoutes {
    static func register(_ r: APIRegistrar, pages: Pages) {
        let api = r.api
        r.open(.get, "/w/{workspace}/members") { request, context in
            let workspace = try context.parameter("workspace")
            return try await admin(api, pages, request, workspace) { session in
                try await membersPage(api, pages, request, session, workspace: workspace, status: .ok)
            }
        }
        r.open(.post, "/w/{workspace}/members") { request, context in
            let workspace = try context.parameter("workspace")
            return try await admin(api, pages, request, workspace) { session in
                let form = try await FormBody.read(request)
                guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: .forbidden, error: staleForm)
                }
                guard let role = Role(rawValue: form["role"] ?? "") else {
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: .badRequest, error: "Choose a role: viewer, editor or admin.")
                }
                do {
                    let invited = try await invite(api, session, workspace: workspace, email: form["email"] ?? "", name: form["name"] ?? "", role: role)
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: .ok, invited: invited)
                } catch let error as APIError where error.status != .internalServerError {
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: error.status, error: error.message.capitalizedFirst + ".")
                }
            }
        }
        r.open(.post, "/w/{workspace}/members/{user}") { request, context in
            let workspace = try context.parameter("workspace")
            return try await admin(api, pages, request, workspace) { session in
                let form = try await FormBody.read(request)
                guard Authenticator.constantTimeEqual(form["csrf"] ?? "", session.csrfToken) else {
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: .forbidden, error: staleForm)
                }
                do {
                    let user = try context.number("user")
                    try await change(api, session, workspace: workspace, user: user, action: form["action"] ?? "", role: form["role"])
                } catch let error as APIError where error.status != .internalServerError {
                    return try await membersPage(api, pages, request, session, workspace: workspace, status: error.status, error: error.message.capitalizedFirst + ".")
                }
                return PageRoutes.redirect("/w/\(workspace)/members")
            }
        }
    }

    static let staleForm = "This form did not carry this session's token; it may be from an older page. Send it again here."

    /// Runs `body` for a signed-in admin of `workspace` (a server admin is one everywhere); others
    /// get a page saying who can help.
    static func admin(_ api: APIContext, _ pages: Pages, _ request: Request, _ workspace: String,
                      _ body: (SessionRecord) async throws -> Response) async throws -> Response {
        try await PageRoutes.member(api, pages, request, workspace) { session in
            guard try await Caller(credential: .session(session), store: api.store).role(in: workspace) == .admin else {
                return PageRoutes.page(pages.error(ErrorView(heading: "Only admins manage people",
                                                             message: "Ask an admin of this workspace to invite a colleague or to change a role."),
                                                   frame: PageRoutes.frame("Only admins manage people", session, workspace: workspace)), status: .forbidden)
            }
            return try await body(session)
        }
    }

    /// Adds the person with `email` as `role`; makes their account first when there is none and
    /// the inviter is a server admin, with a one-time password they change at their first sign-in.
    static func invite(_ api: APIContext, _ session: SessionRecord, workspace: String, email: String, name: String,
                       role: Role) async throws -> MembersView.Invited {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !email.isEmpty else { throw APIError(.badRequest, .invalidRequest, "give the email address of the person to invite") }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var password: String?
        let account: UserAccount
        if let (existing, _) = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.userForSignIn(email: email) }) {
            account = existing
        } else {
            guard session.user.isAdmin else {
                throw APIError(.unprocessableContent, .invalidRequest,
                               "\(email) has no account on this server; ask a server admin to invite them, which makes the account")
            }
            let generated = String(StoreSecrets.random(prefix: "").prefix(24))
            let settings = api.configuration.accounts
            let hash = await Passwords.hash(generated, cost: settings.passwordCost)
            account = try await storeCall { () async throws(WorkspaceStoreError) in
                try await api.store.createUser(email: email, name: name, passwordHash: hash, mustChangePassword: true)
            }
            password = generated
        }
        if let current = try await storeCall({ () async throws(WorkspaceStoreError) in try await api.store.members(workspace: workspace) })
            .first(where: { $0.userID == account.id }) {
            throw APIError(.conflict, .invalidRequest, "\(account.name.isEmpty ? email : account.name) is already \(article(current.role)) \(current.role.rawValue) here; change the role in the list")
        }
        do {
            _ = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.setMembership(workspace: workspace, user: account.id, role: role) }
        } catch {
            // An account made for this invitation goes again, rather than stay with a password nobody saw.
            if password != nil { try? await api.store.deleteUser(id: account.id) }
            throw error
        }
        return MembersView.Invited(name: account.name.isEmpty ? account.email : account.name, email: account.email, role: role.rawValue,
                                   article: article(role), password: password)
    }

    /// Changes a member's role (`action` role) or removes them (`action` remove); the store keeps
    /// an admin in the workspace (``JourneyStore/setMembership(workspace:user:role:)``).
    static func change(_ api: APIContext, _ session: SessionRecord, workspace: String, user: Int64, action: String, role: String?) async throws {
        let members = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.members(workspace: workspace) }
        guard members.contains(where: { $0.userID == user }) else {
            throw APIError(.notFound, .notFound, "that person is not a member of this workspace (any more); the list shows who is")
        }
        let newRole: Role?
        switch action {
        case "role":
            guard let chosen = role.flatMap(Role.init(rawValue:)) else { throw APIError(.badRequest, .invalidRequest, "choose a role: viewer, editor or admin") }
            newRole = chosen
        case "remove":
            newRole = nil
        default:
            throw APIError(.badRequest, .invalidRequest, "the form asks for '\(action.prefix(20))'; it changes a role or removes a member")
        }
        if let newRole {
            _ = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.setMembership(workspace: workspace, user: user, role: newRole) }
        } else {
            try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.removeMembership(workspace: workspace, user: user) }
        }
        await api.rooms.evict(user: user, workspace: workspace, reason: roleChanged(newRole))
    }

    /// What a person editing a map live is told when their role in its workspace changes or ends.
    static func roleChanged(_ role: Role?) -> String {
        guard let role else { return "You were removed from this workspace; ask one of its admins if that is a mistake" }
        return "Your role in this workspace is now \(role.rawValue); reload the page to go on as \(article(role)) \(role.rawValue)"
    }

    static func membersPage(_ api: APIContext, _ pages: Pages, _ request: Request, _ session: SessionRecord, workspace: String,
                            status: HTTPResponse.Status, error: String? = nil, invited: MembersView.Invited? = nil) async throws -> Response {
        let info = try await WorkspacePageRoutes.workspaceInfo(api, workspace)
        let members = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.members(workspace: workspace) }
        var rows: [MembersView.Row] = []
        for member in members {
            let account = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.user(id: member.userID) }
            rows.append(MembersView.Row(userID: String(member.userID), name: account.name.isEmpty ? account.email : account.name, email: account.email,
                                        roles: MembersView.choices(selected: member.role), isYou: member.userID == session.user.id))
        }
        let origin = (api.configuration.accounts.secureCookies ? "https://" : "http://") + (request.head.authority ?? "127.0.0.1:8080")
        var view = MembersView(workspace: workspace, workspaceName: info.name, members: rows, roles: MembersView.choices(selected: .editor),
                               canCreateAccounts: session.user.isAdmin, error: error, invited: invited)
        view.signIn = origin + "/signin"
        return PageRoutes.page(pages.members(view, frame: PageFrame(title: "People in \(info.name)", workspace: workspace, workspaceName: info.name,
                                                                    user: session.user.email, csrf: session.csrfToken)), status: status)
    }

    /// "an admin", "an editor", "a viewer".
    static func article(_ role: Role) -> String { role == .viewer ? "a" : "an" }
}
