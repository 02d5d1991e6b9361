import Foundation
import GRDB

extension JourneyStore: SQLWorkspaceStore {
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T {
        try await writeTransaction { db in try body(SQLiteTransaction(db: db)) }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T {
        try await readTransaction { db in try body(SQLiteTransaction(db: db)) }
    }

    public func removeFiles(ofDeletedWorkspace id: String) throws(WorkspaceStoreError) {
        guard removeIndexes(workspace: id) else {
            throw WorkspaceStoreError(.storage, "the workspace '\(id)' is deleted, but its analytics indexes in \(indexFolder(workspace: id)) could not be removed; remove them by hand")
        }
        let quarantine = quarantinePath(workspace: id)
        guard FileManager.default.fileExists(atPath: quarantine) else { return }
        do { try FileManager.default.removeItem(atPath: quarantine) } catch {
            throw WorkspaceStoreError(.storage, "the workspace '\(id)' is deleted, but its quarantine file \(quarantine) could not be removed; remove it by hand")
        }
    }
}

extension JourneyStore {
    /// Runs `body` on a snapshot of the store on the calling thread: for a copy to another
    /// database, which reads here while it writes there.
    public func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try database.read { db in try body(SQLiteTransaction(db: db)) }
    }
}
