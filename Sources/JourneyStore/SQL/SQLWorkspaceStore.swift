/// A workspace store kept in a SQL database: the accounts, workspaces, maps, personas, comments,
/// keys, share links and uploads, written once against ``StoreTransaction`` and run on the
/// embedded SQLite file (``JourneyStore``) and on a team server's PostgreSQL alike.
///
/// A conforming store gives transactions; the logic (validation, versions, the last admin, the
/// comment anchors) lives in the extensions of this protocol, so both databases answer the same.
public protocol SQLWorkspaceStore: Sendable {
    /// Runs `body` in one write transaction: all of it is committed, or none of it when it throws.
    /// A store shared by several processes runs it serializably and runs it again when another
    /// process's transaction got in its way, so `body` may run more than once.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T

    /// Runs `body` on a consistent snapshot of the store.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T

    /// Called after a workspace and its rows are deleted, to remove what the store keeps beside
    /// the database (the embedded store's quarantine file).
    func removeFiles(ofDeletedWorkspace id: String) throws(WorkspaceStoreError)
}
