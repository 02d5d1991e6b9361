import Foundation

/// Runs synchronous work that waits (for a database, a file) on a thread of its own, never on a
/// thread of Swift's cooperative pool, whose other tasks it could otherwise keep from running.
enum OwnThread {
    /// The result of `body`, run on a new thread, while the caller waits without blocking.
    static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        let work = Work(body)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work.body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// The work, handed to the thread that runs it; only that thread touches it.
    private final class Work<T>: @unchecked Sendable {
        let body: () throws -> T
        init(_ body: @escaping () throws -> T) { self.body = body }
    }
}
