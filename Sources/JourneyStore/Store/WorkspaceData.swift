import Foundation
import GRDB

/// One workspace's customer data in a store: its events, customers, identifiers, merges,
/// feedback, sources and quarantine.
///
/// Every read and write of customer data goes through one, so nothing of another workspace is
/// ever read or changed: identity stitching, deduplication, analyses, customer lookups and
/// erasure all stay inside the workspace.
///
/// ```swift
/// let data = try await store.workspaceData("retail")
/// let summary = try Importer(data: data).importFile("events.csv")
/// ```
public struct WorkspaceData: Sendable {
    /// The store.
    public let store: JourneyStore
    /// The workspace's id (`retail`).
    public let workspace: String
    /// The workspace's row number in the store.
    let rowID: Int64

    /// The file next to the database that collects the records an import into this workspace could not use.
    public var quarantinePath: String { store.quarantinePath(workspace: workspace) }

    var database: DatabasePool { store.database }

    /// The workspace customer data goes to when a store has none to name: its id and its name.
    public static let defaultWorkspace = (id: Schema.defaultWorkspace, name: Schema.defaultWorkspaceName)
}

extension WorkspaceData: Hashable {
    /// The same workspace row of the same store: a workspace deleted and created again under the
    /// same id is another.
    public static func == (lhs: WorkspaceData, rhs: WorkspaceData) -> Bool {
        lhs.store === rhs.store && lhs.rowID == rhs.rowID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(store))
        hasher.combine(rowID)
    }
}

extension JourneyStore {
    /// The customer data of workspace `id`; a not-found error naming the workspaces there are otherwise.
    ///
    /// Asynchronous, so that no thread of the caller's blocks: in a server, a blocked thread of
    /// the cooperative pool could wait for a connection that only a task on that pool gives back.
    /// Commands resolve their workspace with ``resolveWorkspace(_:creatingDefault:)``.
    public func workspaceData(_ id: String) async throws(WorkspaceStoreError) -> WorkspaceData {
        try await readTransaction { db in try self.workspaceData(db, id) }
    }

    /// The workspace a command works on: the one named, else the store's only workspace.
    ///
    /// With `creatingDefault` (commands that store data, such as an import), a store without
    /// workspaces gets the workspace `default`; with `creatingNamed`, a workspace named but
    /// missing is created (named after its id). A store with several workspaces and no name
    /// given is an error that lists them.
    public func resolveWorkspace(_ id: String?, creatingDefault: Bool = false, creatingNamed: Bool = false) throws(WorkspaceStoreError) -> WorkspaceData {
        if let id, creatingNamed { try FieldRules.id(id, of: "workspace") }
        do {
            if let id {
                return try database.write { db in
                    if creatingNamed, try Int64.fetchOne(db, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [id]) == nil {
                        try Self.insertWorkspace(SQLiteTransaction(db: db), id: id, name: id, description: nil, at: StoreTime.now())
                    }
                    return try self.workspaceData(db, id)
                }
            }
            return try database.write { db in
                let slugs = try String.fetchAll(db, sql: "SELECT slug FROM workspaces ORDER BY slug")
                switch slugs.count {
                case 1:
                    return try self.workspaceData(db, slugs[0])
                case 0 where creatingDefault:
                    try Self.insertWorkspace(SQLiteTransaction(db: db), id: Schema.defaultWorkspace, name: Schema.defaultWorkspaceName, description: nil, at: StoreTime.now())
                    return try self.workspaceData(db, Schema.defaultWorkspace)
                case 0:
                    throw WorkspaceStoreError(.notFound, field: "workspace", "the store has no workspace yet, so it holds no customer data; import events first ('wayfinder import FILE --db \(path)')")
                default:
                    throw WorkspaceStoreError(.invalidInput, field: "workspace",
                                              "the store holds several workspaces (\(slugs.joined(separator: ", "))); name one with --workspace-id, such as --workspace-id \(slugs[0])")
                }
            }
        } catch {
            throw Self.storeError(error, writing: true)
        }
    }

    func workspaceData(_ db: Database, _ id: String) throws -> WorkspaceData {
        if let row = try Int64.fetchOne(db, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [id]) {
            return WorkspaceData(store: self, workspace: id, rowID: row)
        }
        let slugs = try String.fetchAll(db, sql: "SELECT slug FROM workspaces ORDER BY slug")
        let known = slugs.isEmpty ? "the store has no workspace yet" : "the store has \(slugs.joined(separator: ", "))"
        throw WorkspaceStoreError(.notFound, field: "workspace", "there is no workspace '\(id)'; \(known)")
    }
}
