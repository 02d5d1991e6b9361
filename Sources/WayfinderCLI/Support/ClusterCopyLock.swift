import Foundation
import JourneyStore
import PostgresStore

/// The lock that updates and erasures of a workspace's copy on a ClickHouse cluster hold, so that
/// two never interleave (an update reading a customer that an erasure then removes would write it
/// back; two updates would write a customer row twice): an advisory lock of the PostgreSQL store,
/// or an exclusive lock of a file beside the embedded store (`STORE.cluster-lock`).
enum ClusterCopyLock {
    /// Runs `body` holding the lock of `data`'s store (`db` is the embedded store's path);
    /// `waiting` says, when another holds it, that this waits (by default on standard error).
    static func holding<T>(_ data: any CustomerDirectory, db: String, waiting: (() -> Void)? = nil, _ body: () throws -> T) throws -> T {
        let waiting = waiting ?? { Console.error("waiting for another update or erasure of the cluster's copy of workspace '\(data.workspace)' to finish…") }
        if let postgres = data as? PostgresCustomerData { return try postgres.holdingClusterCopyLock(waiting: waiting, body) }
        let path = db + ".cluster-lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure(message: "\(path): cannot open the lock of the cluster's copy (\(String(cString: strerror(errno)))); check the folder's permissions")
        }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            waiting()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw CommandFailure(message: "\(path): cannot lock (\(String(cString: strerror(errno))))") }
            }
        }
        return try body()
    }
}
