import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import Logging
import PostgresStore
import WayfinderServer

/// What `wayfinder serve` and `wayfinder demo` share: logging, loading journey-as-code into the
/// store, and running the server until SIGTERM or SIGINT.
enum ServerLauncher {
    /// Sends every log line to standard error, as text or one JSON object a line, from `level` up.
    static func bootstrapLogging(level: Logger.Level, json: Bool) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "wayfinder")
    }

    /// Opens `path` for serving: every commit durable before a request is answered.
    /// Opens the embedded store a server runs on, marking it served for as long as the process
    /// lives (so that 'wayfinder restore' refuses to replace it under the server).
    static func openStore(_ path: String) throws -> JourneyStore {
        do {
            let store = try JourneyStore(path: path, durableCommits: true)
            try StoreBackup.markServed(path)
            return store
        } catch { throw CommandFailure(message: error.description) }
    }

    /// Opens the team server's PostgreSQL store at `url`, creating or updating its tables.
    static func openStore(url text: String) async throws -> PostgresWorkspaceStore {
        do {
            return try await PostgresWorkspaceStore.open(try PostgresURL(text))
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    /// Loads the workspace files at `path` into the store as workspace `id`, reporting every
    /// problem; nothing is written when one is an error.
    static func loadWorkspace(_ path: String, id: String, into store: any SQLWorkspaceStore, author: String, logger: Logger) async throws {
        let loaded = try WorkspaceInput.load([path])
        let result: ImportResult
        do {
            result = try await store.importWorkspace(id, workspace: loaded.workspace, sourceMap: loaded.sourceMap, author: author,
                                                     message: "loaded from \(path) at start", createIfMissing: true)
        } catch {
            Console.report(error.diagnostics)
            throw CommandFailure(message: "\(path): cannot load the workspace into the store as '\(id)': \(error.message)")
        }
        let changed = (result.personas + result.maps).filter { $0.outcome != .unchanged }.count
        logger.info("workspace loaded", metadata: [
            "workspace": "\(id)", "personas": "\(result.personas.count)", "maps": "\(result.maps.count)", "changed": "\(changed)",
            "created": "\(result.workspaceOutcome == .created)",
        ])
    }

    /// A server over `store`, with its metrics registered as the process's metrics system.
    static func server(configuration: ServerConfiguration, store: any ServerStore, cluster: (any AnalyticsCluster)? = nil, database: String,
                       logger: Logger) throws -> WayfinderServer {
        let metrics = ServerMetrics()
        metrics.bootstrapMetricsSystem()
        do {
            return try WayfinderServer(configuration: configuration, store: store, cluster: cluster, metrics: metrics, logger: logger)
        } catch {
            throw CommandFailure(message: "\(database): cannot start collecting into the store (\(error)); check that it is a Wayfinder database")
        }
    }

    /// Runs the server until SIGTERM or SIGINT.
    static func run(_ server: WayfinderServer, database: String, logger: Logger,
                    onListening: (@Sendable (_ url: String) async -> Void)? = nil) async throws {
        logger.info("starting", metadata: ["version": "\(server.configuration.version)", "store": "\(database)"])
        do {
            try await server.run(onListening: onListening)
        } catch {
            throw CommandFailure(message: "the server stopped with an error: \(error); if port \(server.configuration.port) is in use, add --port with another one (such as --port \(server.configuration.port == 8080 ? 8081 : 8080)) to the command")
        }
        logger.info("stopped; every acknowledged event is in the store")
    }
}
