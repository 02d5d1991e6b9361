import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Users (server admins), members of a workspace (its admins) and API keys.
enum AccountRoutes {
    /// Characters of a key's name.
    static let maximumKeyNameLength = 100

    static func register(_ r: APIRegistrar) {
        let api = r.api
        let settings = api.configuration.accounts
        r.on(.get, "/api/v1/users") { _, _, caller in
            try caller.requireServerAdmin("listing users")
            return APIJSON.response(.object([("users", APIJSON.value(try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.users() }))]))
        }
        r.on(.post, "/api/v1/users") { request, _, caller in
            try caller.requireServerAdmin("creating users")
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let email = try APIJSON.string(body, "email", required: true) ?? ""
            let password = try APIJSON.string(body, "password", required: true) ?? ""
            if let problem = Passwords.problem(password, minimumLength: settings.minimumPasswordLength) {
                throw APIError(.badRequest, .invalidRequest, problem, problems: [.init(field: "password", message: problem)])
            }
            let name = try APIJSON.string(body, "name") ?? ""
            let isAdmin = try APIJSON.bool(body, "is_admin") ?? false
            let hash = await Passwords.hash(password, cost: settings.passwordCost)
            let user = try await storeCall { () async throws(WorkspaceStoreError) in
                try await api.store.createUser(email: email, name: name, passwordHash: hash, isAdmin: isAdmin)
            }
            return APIJSON.response(encoding: user, status: .created)
        }
        r.on(.get, "/api/v1/users/{user}") { _, context, caller in
            let id = try context.number("user")
            if caller.user?.id != id { try caller.requireServerAdmin("reading another user") }
            let user = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.user(id: id) }
            let memberships = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.memberships(user: id) }
            var json = APIJSON.value(user)
            if case .object(var entries) = json { entries.append(("memberships", APIJSON.value(memberships))); json = .object(entries) }
            return APIJSON.response(json)
        }
        r.on(.patch, "/api/v1/users/{user}") { request, context, caller in
            try caller.requireServerAdmin("changing users")
            let id = try context.number("user")
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let name = try APIJSON.string(body, "name"), isAdmin = try APIJSON.bool(body, "is_admin"), disabled = try APIJSON.bool(body, "disabled")
            if let password = try APIJSON.string(body, "password") {
                if let problem = Passwords.problem(password, minimumLength: settings.minimumPasswordLength) {
                    throw APIError(.badRequest, .invalidRequest, problem, problems: [.init(field: "password", message: problem)])
                }
                let hash = await Passwords.hash(password, cost: settings.passwordCost)
                // Other sessions of the user end; the admin's own current one stays when it resets its own password.
                var keep: Int64?
                if case .session(let session) = caller.credential, session.user.id == id { keep = session.id }
                let kept = keep
                try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.setPassword(user: id, passwordHash: hash, keepSession: kept) }
            }
            let user = try await storeCall { () async throws(WorkspaceStoreError) in
                try await api.store.updateUser(id: id, name: name, isAdmin: isAdmin, disabled: disabled)
            }
            if disabled == true || isAdmin == false || body["password"] != nil {
                await api.rooms.evict(user: id, reason: "Your account changed (disabled, no longer a server admin, or a new password); reload the page to go on")
            }
            return APIJSON.response(encoding: user)
        }
        r.on(.delete, "/api/v1/users/{user}") { _, context, caller in
            try caller.requireServerAdmin("deleting users")
            let id = try context.number("user")
            try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.deleteUser(id: id) }
            await api.rooms.evict(user: id, reason: "Your account was deleted")
            return APIJSON.noContent()
        }

        // Members of a workspace.
        r.on(.get, "/api/v1/workspaces/{workspace}/members") { _, context, caller in
            let workspace = try context.parameter("workspace")
            try await caller.require(.admin, in: workspace)
            let members = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.members(workspace: workspace) }
            return APIJSON.response(.object([("members", APIJSON.value(members))]))
        }
        r.on(.put, "/api/v1/workspaces/{workspace}/members/{user}") { request, context, caller in
            let workspace = try context.parameter("workspace"), user = try context.number("user")
            try await caller.require(.admin, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let text = try APIJSON.string(body, "role", required: true) ?? ""
            guard let role = Role(rawValue: text) else {
                throw APIError(.badRequest, .invalidRequest, "role: use admin, editor or viewer", problems: [.init(field: "role", message: "one of admin, editor, viewer")])
            }
            let membership = try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.setMembership(workspace: workspace, user: user, role: role) }
            await api.rooms.evict(user: user, workspace: workspace, reason: MemberPageRoutes.roleChanged(role))
            return APIJSON.response(encoding: membership)
        }
        r.on(.delete, "/api/v1/workspaces/{workspace}/members/{user}") { _, context, caller in
            let workspace = try context.parameter("workspace"), user = try context.number("user")
            try await caller.require(.admin, in: workspace)
            try await storeCall { () async throws(WorkspaceStoreError) in try await api.store.removeMembership(workspace: workspace, user: user) }
            await api.rooms.evict(user: user, workspace: workspace, reason: MemberPageRoutes.roleChanged(nil))
            return APIJSON.noContent()
        }

        // API keys: a server admin manages every key; a workspace admin the keys limited to its workspaces.
        r.on(.get, "/api/v1/keys") { _, _, caller in
            let keys = try await visibleKeys(caller, store: api.store)
            return APIJSON.response(.object([("keys", APIJSON.value(keys))]))
        }
        r.on(.post, "/api/v1/keys") { request, _, caller in
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let kindText = try APIJSON.string(body, "kind", required: true) ?? ""
            guard let kind = APIKey.Kind(rawValue: kindText) else {
                throw APIError(.badRequest, .invalidRequest, "kind: use write (collection only), read or read-write", problems: [.init(field: "kind", message: "one of write, read, read-write")])
            }
            let created = try await createKey(api, caller, kind: kind, name: try APIJSON.string(body, "name") ?? "", workspace: try APIJSON.string(body, "workspace"))
            var json = APIJSON.value(created.key)
            if case .object(var entries) = json { entries.append(("secret", .string(created.secret))); json = .object(entries) }
            return APIJSON.response(json, status: .created)
        }
        r.on(.delete, "/api/v1/keys/{key}") { _, context, caller in
            return APIJSON.response(encoding: try await revokeKey(api, caller, id: try context.number("key")))
        }
    }

    /// Creates a key after checking its name and that the caller, signed in, administers its
    /// workspace (or the server, for a key of every workspace).
    static func createKey(_ api: APIContext, _ caller: Caller, kind: APIKey.Kind, name: String, workspace: String?) async throws -> NewAPIKey {
        if name.count > maximumKeyNameLength || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw APIError(.badRequest, .invalidRequest, "name: at most \(maximumKeyNameLength) characters, no control characters", problems: [.init(field: "name", message: "too long or has control characters")])
        }
        if let workspace { try await caller.require(.admin, in: workspace) } else { try caller.requireServerAdmin("a key for every workspace") }
        if caller.user == nil { throw APIError(.forbidden, .forbidden, "keys are created by signed-in admins, not by other keys") }
        do { return try await api.store.createAPIKey(kind: kind, name: name, workspace: workspace) } catch { throw APIError(error) }
    }

    /// Revokes a key the caller administers.
    static func revokeKey(_ api: APIContext, _ caller: Caller, id: Int64) async throws -> APIKey {
        guard try await visibleKeys(caller, store: api.store).contains(where: { $0.id == id }) else {
            throw APIError(.notFound, .notFoundItem, "there is no key \(id) you administer; list them with GET /api/v1/keys")
        }
        guard let key = try await api.store.revokeAPIKey(id: id) else { throw APIError(.notFound, .notFoundItem, "there is no key \(id)") }
        return key
    }

    /// The keys a caller administers: all for a server admin, those of its admin workspaces otherwise.
    static func visibleKeys(_ caller: Caller, store: any ServerStore) async throws -> [APIKey] {
        guard let user = caller.user else {
            throw APIError(.forbidden, .forbidden, "keys are managed by signed-in admins; an API key cannot manage keys")
        }
        let keys = try await store.apiKeys()
        if user.isAdmin { return keys }
        let admin = Set(try await storeCall { () async throws(WorkspaceStoreError) in try await store.memberships(user: user.id) }.filter { $0.role == .admin }.map(\.workspace))
        guard !admin.isEmpty else {
            throw APIError(.forbidden, .forbidden, "managing keys needs the admin role in a workspace; ask a workspace admin")
        }
        return keys.filter { $0.workspace.map(admin.contains) ?? false }
    }
}
