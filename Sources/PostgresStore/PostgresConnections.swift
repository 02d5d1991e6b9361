import Foundation
import JourneyStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Connections to the team server's database for callers that work synchronously on threads of
/// their own (the analytics engine's scans, the writer of customer data), never on the
/// cooperative pool or an event loop: each call takes an idle connection, or opens one, waits
/// there for its answers, and keeps the connection for the next call.
final class PostgresConnections: Sendable {
    /// Where the database is (its password never printed).
    let url: PostgresURL
    private let idle = Mutex<[PostgresConnection]>([])
    private let logger: Logger

    init(url: PostgresURL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// Idle connections kept for the next calls; more are closed when given back.
    static let idleKept = 8

    deinit { close() }

    /// Closes the idle connections (those in use close when given back after this).
    func close() {
        for connection in idle.withLock({ connections in defer { connections = [] }; return connections }) { Self.release(connection) }
    }

    /// Runs `body` on an idle connection, or a new one, and keeps it for the next call; a
    /// connection whose call failed is closed, so no transaction it may hold stays open.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? connect()
        do {
            let value = try body(connection)
            let kept = idle.withLock { connections in
                guard connections.count < Self.idleKept else { return false }
                connections.append(connection)
                return true
            }
            if !kept { Self.release(connection) }
            return value
        } catch {
            Self.release(connection)
            throw error
        }
    }

    /// Runs `body` in one transaction begun with `begin`, and again, after a random pause, when
    /// another process's transaction got in its way (a serialization failure, a deadlock), as
    /// the store's writes do. `retrying` runs before each new attempt.
    func transaction<T>(begin: String, retrying: () -> Void = {}, _ body: (PostgresTransaction) throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try withConnection { connection in
                    let transaction = PostgresTransaction(connection: connection)
                    try transaction.execute(sql: begin)
                    let value = try body(transaction)
                    try transaction.commit()
                    return value
                }
            } catch let error as WorkspaceStoreError {
                throw error
            } catch where attempt < PostgresWorkspaceStore.attempts && PostgresWorkspaceStore.isContention(error) {
                attempt += 1
                retrying()
                usleep(useconds_t(Int.random(in: 1...min(100, 1 << min(attempt, 7))) * 1_000))
            } catch {
                throw failure(error)
            }
        }
    }

    /// The row of workspace `id`; a not-found error naming the workspaces there are otherwise.
    func workspaceRow(_ id: String) throws -> Int64 {
        let (found, known) = try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { db in
            let found = try db.value(Int64.self, sql: "SELECT id FROM workspaces WHERE slug = ?", arguments: [id])
            return (found, found == nil ? try db.values(String.self, sql: "SELECT slug FROM workspaces ORDER BY slug") : [])
        }
        guard let found else {
            throw WorkspaceStoreError(.notFound, field: "workspace",
                                      "\(url): there is no workspace '\(id)'; \(known.isEmpty ? "the store has none" : "its workspaces are " + known.joined(separator: ", "))")
        }
        return found
    }

    /// What a failed read or write says: what PostgreSQL answered, or that it does not answer.
    func failure(_ error: any Error) -> WorkspaceStoreError {
        if let error = error as? WorkspaceStoreError { return error }
        if let state = PostgresFailure.state(error) {
            return WorkspaceStoreError(.storage, "\(url): PostgreSQL answered \(state) (\(PostgresFailure.message(error))); nothing was changed, try again")
        }
        return WorkspaceStoreError(.unavailable, "\(url): the customer data could not be reached (\(PostgresFailure.message(error))); check that PostgreSQL runs, then try again")
    }

    private func connect() throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        if let schema = url.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.connectTimeout = .seconds(10)
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        do {
            return try PostgresConnection.connect(on: loop, configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger).wait()
        } catch {
            throw WorkspaceStoreError(.unavailable, PostgresWorkspaceStore.connectionProblem(error, url))
        }
    }

    /// Closes `connection`, keeping it until it is closed (a connection released open is a
    /// programming error to postgres-nio).
    static func release(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
