import CustomerData
import Foundation
import HTTPTypes
import Hummingbird
import JourneyStore

/// Comment threads on a map, a stage, a touchpoint or a card: list, start, reply, resolve, reopen, delete, and follow a renamed
/// element (`kind` stage or touchpoint, `from`, `to`) or cards that moved in their lane (`kind` cards, `moves`).
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
            if kind == "cards" {
                let moves = try cardMoves(body)
                let moved = try await storeCall { () async throws(WorkspaceStoreError) in
                    try await store.moveCardComments(workspace: workspace, map: map, moves: moves)
                }
                return APIJSON.response(.object([("moved", .number(Double(moved)))]))
            }
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

    /// The `moves` of a card retarget: a list of `{"from": ADDRESS, "to": ADDRESS}`; anything else is a 400 naming the field.
    static func cardMoves(_ body: JSONValue) throws -> [(from: String, to: String)] {
        guard case .array(let items)? = body["moves"] else {
            throw APIError(.badRequest, .invalidRequest, "moves: missing or not a list; send [{\"from\": \"touchpoint:ID/lane:LANE/INDEX\", \"to\": …}]",
                           problems: [.init(field: "moves", message: "expected an array of moves")])
        }
        guard items.count <= WorkspaceLimits.maximumCardMoves else {
            throw APIError(.badRequest, .invalidRequest, "moves: \(items.count) moves; send at most \(WorkspaceLimits.maximumCardMoves) at once",
                           problems: [.init(field: "moves", message: "too many moves")])
        }
        return try items.enumerated().map { index, item in
            guard case .object = item else {
                throw APIError(.badRequest, .invalidRequest, "moves[\(index)]: must be an object with from and to",
                               problems: [.init(field: "moves[\(index)]", message: "expected an object")])
            }
            func address(_ name: String) throws -> String {
                guard case .string(let text)? = item[name] else {
                    throw APIError(.badRequest, .invalidRequest, "moves[\(index)].\(name): missing or not a string; give a card's address",
                                   problems: [.init(field: "moves[\(index)].\(name)", message: "expected a string")])
                }
                return text
            }
            return (try address("from"), try address("to"))
        }
    }
}
