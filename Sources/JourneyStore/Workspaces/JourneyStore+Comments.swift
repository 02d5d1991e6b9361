import JourneyModel

extension SQLWorkspaceStore {
    /// Starts a thread on a map, a touchpoint or a card; the target must exist in the map's current version.
    public func addComment(workspace: String, map: String, target: CommentTarget, author: String, body: String) async throws(WorkspaceStoreError) -> Comment {
        let author = try FieldRules.required(author, field: "author", what: "the author", maximum: FieldRules.maximumAuthor)
        let body = try FieldRules.required(body, field: "body", what: "the comment", maximum: FieldRules.maximumBody)
        if case .removedCard = target {
            throw .invalid("target", "target: '\(target.address)' names a deleted card; start the thread on a card that exists ('touchpoint:ID/lane:LANE/INDEX') or on its touchpoint")
        }
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            if let problem = target.problem(in: context.map) {
                throw WorkspaceStoreError.notFound("target", "target '\(target.address)': \(problem)")
            }
            return try Self.insertComment(db, context, parent: nil, target: target, author: author, body: body)
        }
    }

    /// Replies to a thread; `parent` must be the first comment of a thread on the same map.
    public func reply(workspace: String, map: String, to parent: Int64, author: String, body: String) async throws(WorkspaceStoreError) -> Comment {
        let author = try FieldRules.required(author, field: "author", what: "the author", maximum: FieldRules.maximumAuthor)
        let body = try FieldRules.required(body, field: "body", what: "the comment", maximum: FieldRules.maximumBody)
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            let first = try Self.threadStart(db, context, parent, field: "parent", doing: "reply to")
            return try Self.insertComment(db, context, parent: first.id, target: first.target, author: author, body: body)
        }
    }

    /// Moves the threads on a stage or touchpoint (and, for a touchpoint, on its cards) to its new
    /// id after the element was renamed, so that a comment follows its element; returns how many
    /// comments moved. The new id need not be in the stored map yet: the editor renames before it saves.
    public func retargetComments(workspace: String, map: String, kind: String, from: String, to: String) async throws(WorkspaceStoreError) -> Int {
        guard kind == "stage" || kind == "touchpoint" else { throw .invalid("kind", "kind: expected stage or touchpoint, not '\(kind.prefix(40))'") }
        guard IDRules.isValid(from) else { throw .invalid("from", "from: '\(from.prefix(80))' is not an id (lower-case letters, digits and single hyphens)") }
        guard IDRules.isValid(to) else { throw .invalid("to", "to: '\(to.prefix(80))' is not an id (lower-case letters, digits and single hyphens)") }
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            // Ids hold only letters, digits and hyphens, so the prefix needs no LIKE escapes.
            return try db.execute(sql: """
                UPDATE comments SET target = ? || substr(target, CAST(? AS INTEGER)) WHERE map_id = ? AND (target = ? OR (? = 'touchpoint' AND target LIKE ?))
                """, arguments: ["\(kind):\(to)", "\(kind):\(from)".utf8.count + 1, context.mapRowID, "\(kind):\(from)", kind, "\(kind):\(from)/%"])
        }
    }

    /// Moves the threads on cards (with their replies) to other cards, all at once, after an edit
    /// inserted, deleted or reordered the items of a lane, so that each thread stays on its card.
    ///
    /// Each move is a pair of addresses: from a card (`touchpoint:ID/lane:LANE/INDEX`) to a card, or
    /// to `touchpoint:ID/lane:LANE/removed` when the card was deleted. Moves apply together, so a
    /// swap is two moves. As with renames, the cards need not be in the stored map yet.
    ///
    /// - Returns: how many comments moved.
    public func moveCardComments(workspace: String, map: String, moves: [(from: String, to: String)]) async throws(WorkspaceStoreError) -> Int {
        guard moves.count <= WorkspaceLimits.maximumCardMoves else {
            throw .invalid("moves", "moves: \(moves.count) moves; send at most \(WorkspaceLimits.maximumCardMoves) at once")
        }
        var pairs: [(from: String, to: String)] = []
        var seen = Set<String>()
        for (index, move) in moves.enumerated() {
            let from = try Self.cardTarget(move.from, field: "moves[\(index)].from", removed: false)
            let to = try Self.cardTarget(move.to, field: "moves[\(index)].to", removed: true)
            guard seen.insert(from.address).inserted else {
                throw .invalid("moves[\(index)].from", "moves[\(index)].from: '\(from.address)' is moved twice; send one move for each card")
            }
            if from != to { pairs.append((from.address, to.address)) }
        }
        let chosen = pairs
        guard !chosen.isEmpty else { return 0 }
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            // The comments of every source are found first, then moved, so a move never catches a thread another just moved in.
            var found: [(ids: [Int64], to: String)] = []
            for pair in chosen {
                let ids = try db.values(Int64.self, sql: "SELECT id FROM comments WHERE map_id = ? AND target = ?", arguments: [context.mapRowID, pair.from])
                if !ids.isEmpty { found.append((ids, pair.to)) }
            }
            var moved = 0
            for group in found {
                for id in group.ids {
                    try db.execute(sql: "UPDATE comments SET target = ? WHERE id = ?", arguments: [group.to, id])
                }
                moved += group.ids.count
            }
            return moved
        }
    }

    /// A card address read for a move; `removed` allows a deleted card's address.
    static func cardTarget(_ address: String, field: String, removed: Bool) throws(WorkspaceStoreError) -> CommentTarget {
        let target: CommentTarget
        do {
            target = try CommentTarget(address: address)
        } catch {
            let shown = address.count > 80 ? String(address.prefix(77)) + "…" : address
            throw .invalid(field, "\(field): '\(shown)' is not a card; use 'touchpoint:ID/lane:LANE/INDEX'" + (removed ? " or 'touchpoint:ID/lane:LANE/removed'" : ""))
        }
        switch target {
        case .card: return target
        case .removedCard where removed: return target
        default:
            throw .invalid(field, "\(field): '\(address)' is not a card; use 'touchpoint:ID/lane:LANE/INDEX'" + (removed ? " or 'touchpoint:ID/lane:LANE/removed'" : ""))
        }
    }

    /// The threads of a map with their replies, oldest first; resolved threads only when asked.
    public func commentThreads(workspace: String, map: String, includeResolved: Bool = true) async throws(WorkspaceStoreError) -> [CommentThread] {
        try await read { db in
            let context = try Self.commentContext(db, workspace, map)
            let threads = try Self.threads(db, context, only: nil)
            return includeResolved ? threads : threads.filter { !$0.isResolved }
        }
    }

    /// Marks a thread resolved by someone now; a resolved thread stays as it was.
    public func resolveThread(workspace: String, map: String, comment: Int64, by: String) async throws(WorkspaceStoreError) -> CommentThread {
        let by = try FieldRules.required(by, field: "by", what: "who resolves the thread", maximum: FieldRules.maximumAuthor)
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            _ = try Self.threadStart(db, context, comment, field: "comment", doing: "resolve")
            try db.execute(sql: "UPDATE comments SET resolved_by = ?, resolved_at = ? WHERE id = ? AND resolved_at IS NULL",
                           arguments: [by, StoreTime.now(), comment])
            return try Self.thread(db, context, comment)
        }
    }

    /// Reopens a resolved thread, recording who did and when; an open thread stays as it was.
    public func reopenThread(workspace: String, map: String, comment: Int64, by: String) async throws(WorkspaceStoreError) -> CommentThread {
        let by = try FieldRules.required(by, field: "by", what: "who reopens the thread", maximum: FieldRules.maximumAuthor)
        return try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            _ = try Self.threadStart(db, context, comment, field: "comment", doing: "reopen")
            try db.execute(sql: """
                UPDATE comments SET resolved_by = NULL, resolved_at = NULL, reopened_by = ?, reopened_at = ?
                WHERE id = ? AND resolved_at IS NOT NULL
                """, arguments: [by, StoreTime.now(), comment])
            return try Self.thread(db, context, comment)
        }
    }

    /// Deletes a comment; deleting a thread's first comment deletes its replies too.
    ///
    /// - Returns: how many comments were deleted.
    @discardableResult
    public func deleteComment(workspace: String, map: String, id: Int64) async throws(WorkspaceStoreError) -> Int {
        try await write { db in
            let context = try Self.commentContext(db, workspace, map)
            _ = try Self.comment(db, context, id, field: "id")
            let replies = try db.value(Int.self, sql: "SELECT count(*) FROM comments WHERE parent_id = ?", arguments: [id]) ?? 0
            try db.execute(sql: "DELETE FROM comments WHERE id = ?", arguments: [id])
            return 1 + replies
        }
    }

    static func commentContext(_ db: any StoreTransaction, _ workspace: String, _ id: String) throws -> CommentContext {
        let header = try WorkspaceState.header(db, workspace)
        let map: MapHeader
        do {
            map = try mapHeader(db, header, id)
        } catch let error as WorkspaceStoreError where error.code == .notFound {
            throw try missingMap(db, header, id, field: "map")
        }
        let document = try versionDocument(db, map.rowID, id: id, version: map.currentVersion, current: map.currentVersion)
        return CommentContext(mapID: id, mapRowID: map.rowID, version: map.currentVersion,
                              map: try StoredDocument.map(document, id: id, version: map.currentVersion))
    }

    static var commentColumns: String { "id, parent_id, target, author, body, created_at, map_version, resolved_by, resolved_at, reopened_by, reopened_at" }

    static func comment(_ db: any StoreTransaction, _ context: CommentContext, _ id: Int64, field: String) throws -> Comment {
        guard let row = try db.row(sql: "SELECT \(commentColumns) FROM comments WHERE id = ? AND map_id = ?", arguments: [id, context.mapRowID]) else {
            throw WorkspaceStoreError.notFound(field, "\(field): map '\(context.mapID)' has no comment \(id); list its threads to find the comment's id")
        }
        return try comment(row)
    }

    /// The comment `id` when it starts a thread of the map; a reply is refused, naming its thread.
    static func threadStart(_ db: any StoreTransaction, _ context: CommentContext, _ id: Int64, field: String, doing action: String) throws -> Comment {
        let found = try comment(db, context, id, field: field)
        if let parent = found.parent {
            throw WorkspaceStoreError.invalid(field, "\(field): comment \(id) is a reply in the thread of comment \(parent); \(action) comment \(parent) instead")
        }
        return found
    }

    static func insertComment(_ db: any StoreTransaction, _ context: CommentContext, parent: Int64?, target: CommentTarget, author: String, body: String) throws -> Comment {
        let now = StoreTime.now()
        let id = try db.insert(sql: "INSERT INTO comments (map_id, parent_id, target, map_version, author, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [context.mapRowID, parent, target.address, context.version, author, body, now])
        return Comment(id: id, parent: parent, target: target, author: author, body: body, created: StoreTime.date(now),
                       mapVersion: context.version)
    }

    static func thread(_ db: any StoreTransaction, _ context: CommentContext, _ id: Int64) throws -> CommentThread {
        guard let thread = try threads(db, context, only: id).first else {
            throw WorkspaceStoreError.notFound("comment", "comment: map '\(context.mapID)' has no comment \(id)")
        }
        return thread
    }

    /// The map's threads (or the one starting with `only`), each with its replies, oldest first.
    static func threads(_ db: any StoreTransaction, _ context: CommentContext, only: Int64?) throws -> [CommentThread] {
        let rows = if let only {
            try db.rows(sql: "SELECT \(commentColumns) FROM comments WHERE map_id = ? AND (id = ? OR parent_id = ?) ORDER BY id",
                             arguments: [context.mapRowID, only, only])
        } else {
            try db.rows(sql: "SELECT \(commentColumns) FROM comments WHERE map_id = ? ORDER BY id", arguments: [context.mapRowID])
        }
        var threads: [CommentThread] = []
        var position: [Int64: Int] = [:]
        for row in rows {
            let comment = try comment(row)
            if let parent = comment.parent {
                if let index = position[parent] { threads[index].replies.append(comment) }
            } else {
                position[comment.id] = threads.count
                threads.append(CommentThread(comment: comment, replies: [], resolved: try mark(row, 7), reopened: try mark(row, 9),
                                             targetExists: comment.target.problem(in: context.map) == nil))
            }
        }
        return threads
    }

    static func comment(_ row: SQLRow) throws -> Comment {
        let address: String = try row[2]
        guard let target = try? CommentTarget(address: address) else {
            throw WorkspaceStoreError(.storage, "a stored comment has the unreadable target '\(address)'; the database was changed outside Wayfinder")
        }
        return Comment(id: try row[0], parent: try row[1], target: target, author: try row[3], body: try row[4], created: StoreTime.date(try row[5]), mapVersion: try row[6])
    }

    static func mark(_ row: SQLRow, _ column: Int) throws -> CommentMark? {
        guard let by: String = try row[column], let at: Int64 = try row[column + 1] else { return nil }
        return CommentMark(by: by, at: StoreTime.date(at))
    }
}

extension SQLWorkspaceStore {
    /// For each of `maps` (ids of the workspace's maps) with comments, a number that changes
    /// whenever one of them is added, deleted, moved to another element, resolved or reopened
    /// (comments are never edited), so that a server can tell the people editing a map that its
    /// threads changed. Numbers are comparable within one process only.
    public func commentStates(workspace: String, maps: [String]) async throws(WorkspaceStoreError) -> [String: Int] {
        guard !maps.isEmpty else { return [:] }
        return try await read { db in
            let header = try WorkspaceState.header(db, workspace)
            var states: [String: Hasher] = [:]
            let marks = Array(repeating: "?", count: maps.count).joined(separator: ", ")
            for row in try db.rows(sql: """
                SELECT m.slug, c.id, c.target, c.resolved_at, c.reopened_at FROM comments c JOIN journey_maps m ON m.id = c.map_id
                WHERE m.workspace_id = ? AND m.slug IN (\(marks)) ORDER BY c.id
                """, arguments: [header.rowID] + SQLArguments(maps)) {
                let slug: String = try row[0]
                var state = states[slug] ?? Hasher()
                state.combine(try row[1] as Int64)
                state.combine(try row[2] as String)
                state.combine(try row[3] as Int64?)
                state.combine(try row[4] as Int64?)
                states[slug] = state
            }
            return states.mapValues { $0.finalize() }
        }
    }
}

/// The map a comment call is about, in its current version.
struct CommentContext {
    var mapID: String
    var mapRowID: Int64
    var version: Int
    var map: JourneyMap
}
