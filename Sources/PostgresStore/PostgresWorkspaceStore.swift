import Foundation
import JourneyStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The team server's workspace store: accounts, workspaces, maps and their versions, personas,
/// comments, keys, share links and uploads in one PostgreSQL database that several `wayfinder
/// serve` processes share.
///
/// The logic is the embedded store's (``SQLWorkspaceStore``); writes run serializably, and a
/// write that another process's transaction got in the way of runs again, so two processes saving
/// the same map at once give one new version and one version conflict, as on one process.
public final class PostgresWorkspaceStore: ServerStore {
    /// Where the database is (its password never printed).
    public let url: PostgresURL
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let threads: NIOThreadPool
    private let logger: Logger
    /// Connections for the synchronous readers and writers of customer data (index builds, the
    /// collection writer), beside the pool of the store's own transactions.
    private let customerConnections: PostgresConnections

    /// The most times a write runs when other processes keep getting in its way.
    static let attempts = 40
    /// The most times a write meeting a row with its own unique key runs: a second meeting is a
    /// real duplicate, not a race.
    static let duplicateAttempts = 2

    /// Connects to the database at `url`, and creates or updates its tables.
    ///
    /// Fails with what to do when the server does not answer within `timeout`, refuses the user,
    /// or the database does not exist.
    public static func open(_ url: PostgresURL, connections: Int = 8, timeout: Duration = .seconds(10), logger: Logger = Logger(label: "wayfinder.postgres"))
        async throws(PostgresStoreError) -> PostgresWorkspaceStore {
        try await check(url, timeout: timeout, logger: logger)
        let store = PostgresWorkspaceStore(url: url, connections: connections, timeout: timeout, logger: logger)
        do {
            try await store.migrate()
        } catch {
            store.close()
            throw error
        }
        return store
    }

    /// Connects once, directly, so that a server that is down, a wrong user or a missing database
    /// is reported at once (the pool behind the store would keep trying).
    private static func check(_ url: PostgresURL, timeout: Duration, logger: Logger) async throws(PostgresStoreError) {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        configuration.options.connectTimeout = .init(timeout)
        do {
            let connection = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                                                                  id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw .unavailable(connectionProblem(error, url))
        }
    }

    private init(url: PostgresURL, connections: Int, timeout: Duration, logger: Logger) {
        self.url = url
        var logger = logger
        // The pool reports each failed connection attempt; the store's errors say what matters.
        logger.logLevel = .error
        self.logger = logger
        var configuration = PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                         database: url.database, tls: .disable)
        configuration.options.maximumConnections = max(1, connections)
        configuration.options.connectTimeout = timeout
        if let schema = url.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        customerConnections = PostgresConnections(url: url, logger: logger)
        runner = Task { await client.run() }
        threads = NIOThreadPool(numberOfThreads: max(1, connections))
        threads.start()
    }

    /// Closes every connection; the store cannot be used after.
    public func close() {
        customerConnections.close()
        runner.cancel()
        threads.shutdownGracefully { _ in }
    }

    deinit { close() }

    // MARK: Serving

    public var backend: String { "postgresql" }

    public func customerData(_ id: String) async throws(WorkspaceStoreError) -> any WorkspaceCustomerData {
        try await postgresCustomerData(id)
    }

    /// The customer data of workspace `id`, on the store's connections, as its own type (with
    /// its writer's file import and summary).
    public func postgresCustomerData(_ id: String) async throws(WorkspaceStoreError) -> PostgresCustomerData {
        // Every collection request looks its workspace up: the names of the others are read only when it is missing.
        let (found, known) = try await read { db in
            let found = try db.value(Int64.self, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [id])
            return (found, found == nil ? try db.values(String.self, sql: "SELECT slug FROM workspaces ORDER BY slug") : [])
        }
        guard let found else {
            throw WorkspaceStoreError(.notFound, field: "workspace",
                                      "there is no workspace '\(id)'; \(known.isEmpty ? "the store has no workspace yet" : "the store has " + known.joined(separator: ", "))")
        }
        return PostgresCustomerData(store: self, connections: customerConnections, workspace: id, rowID: found)
    }

    public func startCollecting() throws -> any CollectionCheckpoints { NoCheckpoints() }

    public var writeProblem: String? { nil }

    /// PostgreSQL keeps its own write-ahead log: a writer has nothing to do after a commit.
    private struct NoCheckpoints: CollectionCheckpoints {
        func committed() {}
        func stop() throws {}
    }

    // MARK: Transactions

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", writing: true) { try body($0) }
    }

    /// A write that also reaches PostgreSQL's own statements (`COPY`), for copying a store in.
    func bulkWrite<T: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) throws -> T) async throws(WorkspaceStoreError) -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", writing: true, body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(WorkspaceStoreError) -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writing: false) { try body($0) }
    }

    public func removeFiles(ofDeletedWorkspace id: String) throws(WorkspaceStoreError) {}

    /// Whether the database answers a read now (for health checks); never throws.
    public func isReadable() async -> Bool {
        do {
            return try await read { db in try db.value(Int64.self, sql: "SELECT 1") == 1 }
        } catch {
            return false
        }
    }

    /// An error raised once a connection was leased (by the transaction, not by the pool).
    private struct OnConnection: Error {
        let error: any Error
    }

    private func transaction<T: Sendable>(begin: String, writing: Bool, _ body: @escaping @Sendable (PostgresTransaction) throws -> T)
        async throws(WorkspaceStoreError) -> T {
        var attempt = 1
        var duplicates = 0
        while true {
            do {
                return try await client.withConnection { connection in
                    do {
                        return try await self.run(begin: begin, on: connection, body)
                    } catch {
                        throw OnConnection(error: error)
                    }
                }
            } catch let failure as OnConnection {
                let error = failure.error
                if error is SQLConstraintError { duplicates += 1 }
                if error is SQLConstraintError, duplicates >= Self.duplicateAttempts {
                    throw WorkspaceStoreError(.alreadyExists, "a row with the same key exists already (such as an id used before); choose another")
                }
                if attempt < Self.attempts, Self.isContention(error) {
                    attempt += 1
                    // Back off at random, longer each time up to a tenth of a second, so that the
                    // processes in each other's way part.
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 1...min(100, 1 << min(attempt, 7)))))
                    continue
                }
                throw storeError(error, writing: writing)
            } catch is CancellationError {
                throw storeError(CancellationError(), writing: writing)
            } catch {
                // The pool could not lease a connection: the server is down or out of reach.
                throw WorkspaceStoreError(.unavailable, "the PostgreSQL server at \(url.host):\(url.port) does not answer; check that it runs, then try again")
            }
        }
    }

    /// Runs one transaction on a thread of the store's pool: BEGIN, `body`, COMMIT, or ROLLBACK
    /// when anything fails.
    private func run<T: Sendable>(begin: String, on connection: PostgresConnection, _ body: @escaping @Sendable (PostgresTransaction) throws -> T)
        async throws -> T {
        try await threads.runIfActive {
            let transaction = PostgresTransaction(connection: connection)
            try transaction.execute(sql: begin)
            do {
                let value = try body(transaction)
                try transaction.commit()
                return value
            } catch {
                do { try transaction.execute(sql: "ROLLBACK") } catch {
                    // A connection whose transaction may still be open never goes back to the pool.
                    connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
                }
                throw error
            }
        }
    }

    /// Whether `error` is another transaction getting in the way (serialization failure, deadlock,
    /// or a unique key two writers added at once), after which the transaction runs again.
    static func isContention(_ error: any Error) -> Bool {
        if error is SQLConstraintError { return true }
        let state = PostgresFailure.state(error)
        return state == "40001" || state == "40P01"
    }

    /// The error of a failed transaction: a refusal passes through; a database failure says what
    /// happened without statement arguments, so no stored text leaks into it.
    func storeError(_ error: any Error, writing: Bool) -> WorkspaceStoreError {
        let what = writing ? "save the change; nothing was written" : "read it"
        switch error {
        case let error as WorkspaceStoreError:
            return error
        case is PSQLError, is PostgresError:
            if let state = PostgresFailure.state(error) {
                return WorkspaceStoreError(.storage, "the store could not \(what) (PostgreSQL \(state): \(PostgresFailure.message(error))); try again")
            }
            return WorkspaceStoreError(.unavailable, "the PostgreSQL server at \(url.host):\(url.port) does not answer (\(PostgresFailure.message(error))); check that it runs, then try again")
        case is SQLConstraintError:
            return WorkspaceStoreError(.storage, "the store could not \(what): other processes kept writing the same rows; try again")
        case is CancellationError:
            return WorkspaceStoreError(.storage, "the request was cancelled before the store could \(what)")
        default:
            return WorkspaceStoreError(.storage, "the store could not \(what) (\(type(of: error))); try again")
        }
    }

    // MARK: Schema

    /// Runs the migrations the database lacks, one process at a time.
    private func migrate() async throws(PostgresStoreError) {
        do {
            try await client.withConnection { connection in
                try await self.threads.runIfActive {
                    let db = PostgresTransaction(connection: connection)
                    try db.execute(sql: "BEGIN")
                    do {
                        try db.execute(sql: "SELECT pg_advisory_xact_lock(?)", arguments: [PostgresSchema.migrationLock])
                        // A checked name (letters, digits, underscores), so it needs no quoting.
                        if let schema = self.url.schema { try db.execute(sql: "CREATE SCHEMA IF NOT EXISTS \(schema)") }
                        try db.execute(sql: "CREATE TABLE IF NOT EXISTS wayfinder_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
                        let applied = Set(try db.values(String.self, sql: "SELECT name FROM wayfinder_migrations"))
                        let known = Set(PostgresSchema.migrations.map(\.name))
                        if let unknown = applied.subtracting(known).sorted().first {
                            throw PostgresStoreError.schema("\(self.url): the database was migrated by a newer Wayfinder (it has '\(unknown)'); run that version, or a store of its own")
                        }
                        for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                            for statement in migration.statements { try db.execute(sql: statement) }
                            try db.execute(sql: "INSERT INTO wayfinder_migrations (name, applied_at) VALUES (?, ?)",
                                           arguments: [migration.name, Int64(Date().timeIntervalSince1970 * 1000)])
                        }
                        try db.execute(sql: "COMMIT")
                    } catch {
                        _ = try? db.execute(sql: "ROLLBACK")
                        throw error
                    }
                }
            }
        } catch let error as PostgresStoreError {
            throw error
        } catch where error is PSQLError || error is PostgresError {
            throw .unavailable(Self.connectionProblem(error, url))
        } catch {
            throw .unavailable("\(url): cannot open the store (\(type(of: error))); check that PostgreSQL runs and the URL is right")
        }
    }

    /// What a failure to reach or enter the database means, and what to do.
    static func connectionProblem(_ error: any Error, _ url: PostgresURL) -> String {
        switch PostgresFailure.state(error) {
        case "3D000": return "\(url): the database '\(url.database)' does not exist; create it (createdb -O \(url.user) \(url.database)) or name another"
        case "28000", "28P01": return "\(url): PostgreSQL refused the user '\(url.user)'; check the user and password"
        case let state?: return "\(url): PostgreSQL answered \(state) (\(PostgresFailure.message(error))) while preparing the store"
        case nil: return "\(url): no PostgreSQL server answers at \(url.host):\(url.port); start it (scripts/cluster.sh up starts one for trying) or fix the URL"
        }
    }
}
