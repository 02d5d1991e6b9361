import Foundation
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log into the database file on its own thread and connection while a
/// long import writes, so the writing thread never stops to checkpoint. The writer's automatic
/// checkpoints are turned off meanwhile; a passive checkpoint never blocks it.
final class Checkpointer: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts checkpointing the database at `path`; nil when a second connection cannot be opened
    /// (the writer then keeps checkpointing by itself).
    init?(path: String) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            return nil
        }
        sqlite3_busy_timeout(handle, 1_000)
        // A first read opens the write-ahead log; until then the connection cannot checkpoint it.
        guard sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else {
            sqlite3_close(handle)
            return nil
        }
        let connection = UncheckedSendable(handle)
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                wake.wait()
                sqlite3_wal_checkpoint_v2(connection.value, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            sqlite3_close(connection.value)
            finished.signal()
        }
        thread.start()
    }

    /// Asks for a checkpoint (after a commit).
    func signal() { wake.signal() }

    /// Stops the thread and closes its connection.
    func stop() {
        stopped.store(true, ordering: .releasing)
        wake.signal()
        finished.wait()
    }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
