import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Comment threads on a map, a stage, a touchpoint or a card: list, start, reply, resolve, reopen, delete, and follow a renamed element.
enum CommentRoutes {
    static func register(_ r: APIRegistrar) {
        let api = r.api
        let store = api.store
        let base = "/api/v1/workspaces/{workspace}/maps/{map}/comments"
        r.on(.get, base) { request, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map")
            try await caller.require(.viewer, in: workspace)
            let includeResolved = request.uri.queryParameters.get("resolved") != "false"
            let threads = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.commentThreads(workspace: workspace, map: map, includeResolved: includeResolved)
            }
            return APIJSON.response(.object([("threads", APIJSON.value(threads))]))
        }
        r.on(.post, base) { request, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let address = try APIJSON.string(body, "target") ?? "map"
            let text = try APIJSON.string(body, "body", required: true) ?? ""
            let comment = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.addComment(workspace: workspace, map: map, target: try CommentTarget(address: address), author: caller.author, body: text)
            }
            return APIJSON.response(encoding: comment, status: .created)
        }
        r.on(.post, base + "/retarget") { request, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map")
            try await caller.require(.editor, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let kind = try APIJSON.string(body, "kind", required: true) ?? ""
            let from = try APIJSON.string(body, "from", required: true) ?? "", to = try APIJSON.string(body, "to", required: true) ?? ""
            let moved = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.retargetComments(workspace: workspace, map: map, kind: kind, from: from, to: to)
            }
            return APIJSON.response(.object([("moved", .number(Double(moved)))]))
        }
        r.on(.post, base + "/{comment}/replies") { request, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map"), id = try context.number("comment")
            try await caller.require(.editor, in: workspace)
            let body = try await APIJSON.object(request, limit: api.bodyLimit)
            let text = try APIJSON.string(body, "body", required: true) ?? ""
            let comment = try await storeCall { () async throws(WorkspaceStoreError) in
                try await store.reply(workspace: workspace, map: map, to: id, author: caller.author, body: text)
            }
            return APIJSON.response(encoding: comment, status: .created)
        }
        r.on(.post, base + "/{comment}/resolve") { _, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map"), id = try context.number("comment")
            try await caller.require(.editor, in: workspace)
            let thread = try await storeCall { () async throws(WorkspaceStoreError) in try await store.resolveThread(workspace: workspace, map: map, comment: id, by: caller.author) }
            return APIJSON.response(encoding: thread)
        }
        r.on(.post, base + "/{comment}/reopen") { _, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map"), id = try context.number("comment")
            try await caller.require(.editor, in: workspace)
            let thread = try await storeCall { () async throws(WorkspaceStoreError) in try await store.reopenThread(workspace: workspace, map: map, comment: id, by: caller.author) }
            return APIJSON.response(encoding: thread)
        }
        r.on(.delete, base + "/{comment}") { _, context, caller in
            let workspace = try context.parameter("workspace"), map = try context.parameter("map"), id = try context.number("comment")
            try await caller.require(.editor, in: workspace)
            let deleted = try await storeCall { () async throws(WorkspaceStoreError) in try await store.deleteComment(workspace: workspace, map: map, id: id) }
            return APIJSON.response(.object([("deleted", .number(Double(deleted)))]))
        }
    }
}
