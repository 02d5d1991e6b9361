import GRDB

extension JourneyStore {
    /// Runs `body` in one write transaction: all of it is committed, or none of it when it throws.
    func writeTransaction<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(WorkspaceStoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw Self.storeError(error, writing: true)
        }
    }

    /// Runs `body` on a consistent snapshot of the store.
    func readTransaction<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws(WorkspaceStoreError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw Self.storeError(error, writing: false)
        }
    }

    /// The error of a failed transaction: a refusal passes through; a database failure says what
    /// happened without statement arguments, so no stored text leaks into it.
    static func storeError(_ error: any Error, writing: Bool) -> WorkspaceStoreError {
        let what = writing ? "save the change; nothing was written" : "read it"
        switch error {
        case let error as WorkspaceStoreError:
            return error
        case let error as DatabaseError:
            return WorkspaceStoreError(.storage, "the store could not \(what) (SQLite \(error.resultCode): \(error.message ?? "no message")); try again")
        case is CancellationError:
            return WorkspaceStoreError(.storage, "the request was cancelled before the store could \(what)")
        default:
            return WorkspaceStoreError(.storage, "the store could not \(what) (\(type(of: error))); try again")
        }
    }
}
