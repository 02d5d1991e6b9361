import ArgumentParser
import ClickHouseStore
import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import PostgresStore
import Logging
import WayfinderServer

extension Wayfinder {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the Wayfinder server: collect events from Segment-compatible SDKs into the store.",
            discussion: """
            Point any Segment or RudderStack SDK (or analytics.js) at the server with a write key, and the events are parsed, stitched into customers and deduplicated on messageId into the store, with the same rules as 'wayfinder import'. A request is answered 200 only once its events are committed to disk.

            Routes:
              POST /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias
                                  one message each
              POST /v1/batch      {"batch": [...]}: at most 2,500 messages
              POST /v1/feedback   a survey answer: properties.metric (nps, csat, ces
                                  or text), score, text, touchpoint
              GET  /health        status, version, whether the store answers
              GET  /metrics       Prometheus: requests, latency, and events accepted,
                                  rejected, quarantined and deduplicated
              /api/v1/...         the JSON API: sessions, users, keys, workspaces,
                                  personas, maps and versions, comments, share links,
                                  analyses, uploads (every route in /openapi.json)

            Accounts: on a first start with no user, the server creates admin@localhost and prints a one-time password once (or takes WAYFINDER_ADMIN_PASSWORD, never logged). Session cookies are Secure, HttpOnly and SameSite=Strict; --insecure-cookies drops Secure for plain HTTP on loopback. No account is locked: failed sign-ins are counted per client address and per email, and after 20 from an address or 5 on an email each further attempt waits 1 s, 2 s, 4 s … up to 15 minutes (429 with Retry-After); behind a reverse proxy, --trusted-proxy lets its X-Forwarded-For name the client.

            Connections: a request's head must arrive within --header-timeout seconds of its first byte (10), a body may pause at most --body-timeout seconds (30), and a connection may wait --idle-timeout seconds for a request (30); then it is closed. At most --max-connections are held open (default: the open-file limit, ulimit -n, less the files open at start and an eighth); past it the connection that has waited longest for its client is closed to make room, so clients that open connections and send nothing cannot keep others out.

            The write key goes in the HTTP Basic user name with an empty password, or as writeKey in the body. Limits: 32 KB an event, 500 KB a request (gzip bodies are read too). Errors are JSON: {"error": {"status", "code", "message"}}.

            Start:
              wayfinder keys create --db wayfinder.db --kind write --name website
              wayfinder serve --db wayfinder.db
              curl -u 'WRITE_KEY:' -H 'Content-Type: application/json' \\
                -d '{"userId": "user-1", "event": "Signed Up"}' \\
                http://127.0.0.1:8080/v1/track

            SIGTERM or SIGINT (Ctrl-C) stops it gracefully: requests in flight finish and their events are committed first. Logs go to standard error and never carry customer ids, event properties or keys.

            A team server: with --store postgres://USER@HOST:PORT/DATABASE the accounts, workspaces, maps and the customer data live in PostgreSQL instead of the SQLite file, and several 'wayfinder serve' processes (behind one load balancer) share them: sessions, map versions, comments and keys are the same on every process, and events of the same person collected by two processes are stitched into one customer. Create its write keys with 'wayfinder keys create --store URL --kind write', on the web app's Keys page, or with POST /api/v1/keys.

            Analytics on a cluster: with --events clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME the analyses (the API's, the map and report pages') run on a ClickHouse cluster, on a copy of each workspace's customer data. Events are still collected into the store, where customers are stitched; before an analysis, the server brings the workspace's copy up to what the store holds (as 'wayfinder import --events' does), so an answer counts every event acknowledged before it was asked. Funnels are counted on the shards; the other analyses read the events classified there. /health and /metrics say whether the cluster answers; a cluster that does not (at start too) makes analyses answer 503 with Retry-After, and collection goes on.

            Settings: every option can also come from a configuration file (--config FILE or WAYFINDER_CONFIG: YAML, each option by its long name, such as 'port: 8080', 'insecure-cookies: true', 'trusted-proxy: [10.0.0.2, 10.0.0.3]') or from the environment (WAYFINDER_SERVE_PORT=8080, WAYFINDER_SERVE_TRUSTED_PROXY=10.0.0.2,10.0.0.3). The command line wins over the environment, which wins over the file. docs/operations.md has a whole file and a systemd unit.

            --workspace loads journey-as-code files into the store first (as workspace --workspace-id), so the maps and personas the server works with are the ones in git; loading them again adds a map version only when a map changed.

            Exit status: 0 stopped cleanly, 1 could not start (store, workspace or address), 2 usage error.
            """
        )

        @Option(help: ArgumentHelp("A configuration file (YAML) of serve's settings: each option by its long name, such as 'port: 8080' or 'trusted-proxy: [10.0.0.2]'. WAYFINDER_CONFIG names it too. The environment overrides it (WAYFINDER_SERVE_PORT=8080: WAYFINDER_SERVE_ and the option's name in upper case, dashes as underscores), and the command line overrides both. See docs/operations.md.", valueName: "file"))
        var config: String?

        @Option(help: "The store (a SQLite file, created if missing).")
        var db = "wayfinder.db"

        @Option(help: ArgumentHelp("The team server's PostgreSQL store instead of --db, shared by several server processes: postgres://USER@HOST:PORT/DATABASE[?schema=NAME].", valueName: "url"))
        var store: String?

        @Option(help: ArgumentHelp("Run analyses on a ClickHouse cluster, on a copy of each workspace brought up to date before each analysis: clickhouse://HOST:PORT[,HOST:PORT…]/DATABASE?cluster=NAME.", valueName: "url"))
        var events: String?

        @Option(help: ArgumentHelp("A workspace file or folder to load into the store at start, checked like 'wayfinder validate': personas replaced, a new version of each map that changed.", valueName: "path"))
        var workspace: String?

        @Option(help: ArgumentHelp("The store's id for that workspace ([a-z0-9-]+; default: from the file or folder name).", valueName: "id"))
        var workspaceId: String?

        @Option(help: "The address to listen on. The default answers this machine only; 0.0.0.0 answers every network.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0: any free port, named in the 'server listening' log line).")
        var port = 8080

        @Option(help: ArgumentHelp("Lowest log level: trace, debug, info, notice, warning, error or critical. debug logs every collection request.", valueName: "level"))
        var logLevel = "info"

        @Option(help: ArgumentHelp("Log format: text, or json (one JSON object a line).", valueName: "format"))
        var logFormat = "text"

        @Option(help: ArgumentHelp("Seconds a request's head (request line and headers) may take to arrive, from its first byte; then the connection is closed.", valueName: "seconds"))
        var headerTimeout: Double = 10

        @Option(help: ArgumentHelp("Seconds of silence allowed while a request's body arrives; then the connection is closed.", valueName: "seconds"))
        var bodyTimeout: Double = 30

        @Option(help: ArgumentHelp("Seconds a connection may wait for a request (once opened, and between requests) before it is closed.", valueName: "seconds"))
        var idleTimeout: Double = 30

        @Option(help: ArgumentHelp("Connections held open at once; past it the one that has waited longest for its client is closed. Default: the open-file limit (ulimit -n) less the files open at start and an eighth.", valueName: "count"))
        var maxConnections: Int?

        @Flag(inversion: .prefixedNo, help: "Keep alert deliveries in the store instead of posting them (rules are still evaluated); a later run without it sends them.")
        var holdAlerts = false

        @Flag(inversion: .prefixedNo, help: "Let alert rules post to addresses that are not on the public internet (loopback, private networks, link-local, cloud metadata), for a receiver on this machine or network. Without it such URLs are refused when a rule is added, and deliveries to a host that resolves to one are refused.")
        var allowPrivateWebhooks = false

        @Flag(inversion: .prefixedNo, help: "Send the session cookie without Secure, for plain HTTP on loopback only (tests, a laptop); behind HTTPS leave it out.")
        var insecureCookies = false

        @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
            "The address of a reverse proxy in front of the server (repeat for several): its X-Forwarded-For names the client that sign-in throttling counts. Without it the connection's peer is the client and X-Forwarded-For is ignored.",
            valueName: "address"))
        var trustedProxies: [String] = []

        @Option(help: "Identifiers one customer may hold before merges into it are refused (as 'wayfinder import').")
        var maxClusterSize = 100

        @Option(help: ArgumentHelp("More identifier values to ignore as junk, comma-separated (as 'wayfinder import').", valueName: "values"))
        var junk: String?

        @Option(help: ArgumentHelp("The country calling code of national phone numbers, such as 44 (as 'wayfinder import').", valueName: "code"))
        var phoneCountry: String?

        func validate() throws {
            if !(0...65_535).contains(port) { throw ValidationError("--port takes a number from 0 to 65535, such as 8080.") }
            if host.isEmpty { throw ValidationError("--host takes an address such as 127.0.0.1, or 0.0.0.0 for every network.") }
            if Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical; got '\(logLevel)'.")
            }
            if !["text", "json"].contains(logFormat) { throw ValidationError("--log-format takes text or json; got '\(logFormat)'.") }
            if maxClusterSize < 2 { throw ValidationError("--max-cluster-size must be at least 2.") }
            for (name, seconds) in [("--header-timeout", headerTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout)]
            where !(seconds.isFinite && seconds >= 0.1 && seconds <= 86_400) {
                throw ValidationError("\(name) takes seconds from 0.1 to 86400, such as 10; got \(seconds).")
            }
            if let maxConnections, !(1...1_000_000).contains(maxConnections) {
                throw ValidationError("--max-connections takes a number from 1 to 1000000, such as 1000; got \(maxConnections).")
            }
            for proxy in trustedProxies where !ServerConfiguration.isIPAddress(proxy) {
                throw ValidationError("--trusted-proxy takes the IP address of a proxy, such as 127.0.0.1 or ::1; got '\(proxy.prefix(80))'.")
            }
            try Import.checkPhoneCountry(phoneCountry)
            if let workspaceId, !Self.isWorkspaceID(workspaceId) {
                throw ValidationError("--workspace-id takes lower-case letters, digits and dashes, such as retail-team; got '\(workspaceId)'.")
            }
            try StoreWorkspace.validate(store: store)
            if let events {
                do { _ = try ClickHouseURL(events) } catch { throw ValidationError("--events: \(error.description)") }
            }
            if workspaceId != nil, workspace == nil { throw ValidationError("--workspace-id names the workspace that --workspace loads; give --workspace PATH too.") }
        }

        static func isWorkspaceID(_ text: String) -> Bool {
            !text.isEmpty && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }

        /// The workspace id a path implies: its last component without extension, in lower case,
        /// with anything but letters and digits turned into dashes.
        static func workspaceID(forPath path: String) -> String {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent.lowercased()
            let slug = String(name.unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" })
                .split(separator: "-").joined(separator: "-")
            return slug.isEmpty ? "default" : slug
        }

        func run() async throws {
            let logger = ServerLauncher.bootstrapLogging(level: Logger.Level(rawValue: logLevel) ?? .info, json: logFormat == "json")
            let store: any ServerStore = if let url = self.store { try await ServerLauncher.openStore(url: url) } else { try ServerLauncher.openStore(db) }
            let storeName = (try? PostgresURL(self.store ?? "").description) ?? db
            if let workspace {
                try await ServerLauncher.loadWorkspace(workspace, id: workspaceId ?? Self.workspaceID(forPath: workspace), into: store,
                                                       author: "wayfinder serve", logger: logger)
            }
            if try await !store.apiKeys().contains(where: { $0.isActive && $0.kind.collects }) {
                let create = self.store == nil ? "'wayfinder keys create --db \(db) --kind write'" : "'wayfinder keys create --store URL --kind write'"
                logger.warning("the store has no write key yet, so every event is refused (401); create one with \(create)")
            }

            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.version = Wayfinder.configuration.version
            configuration.accounts.secureCookies = !insecureCookies
            configuration.trustedProxies = trustedProxies
            configuration.connections.headerTimeout = .milliseconds(Int64((headerTimeout * 1000).rounded()))
            configuration.connections.bodyTimeout = .milliseconds(Int64((bodyTimeout * 1000).rounded()))
            configuration.connections.idleTimeout = .milliseconds(Int64((idleTimeout * 1000).rounded()))
            configuration.connections.maximumConnections = maxConnections
            configuration.importOptions.maximumClusterSize = maxClusterSize
            configuration.importOptions.phoneCountry = phoneCountry
            configuration.alerts.holdDeliveries = holdAlerts
            if holdAlerts { logger.notice("alert deliveries are held in the store (hold-alerts); a run without it sends them") }
            configuration.alerts.allowPrivateAddresses = allowPrivateWebhooks
            if let junk { configuration.importOptions.junk.formUnion(junk.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }) }

            let cluster = try events.map { try ClickHouseAnalyticsCluster(url: ClickHouseURL($0), db: db, logger: logger) }
            if let cluster {
                // Collection does not need the cluster: a server that starts while it is down
                // collects, and its analyses answer 503 until it answers (each update prepares it).
                do { try cluster.data.prepare() } catch {
                    logger.warning("the analytics cluster does not answer; events are collected, and analyses answer 503 until it does",
                                   metadata: ["error": "\(error.description)"])
                }
            }
            let server = try ServerLauncher.server(configuration: configuration, store: store, cluster: cluster, database: storeName, logger: logger)
            let password = ProcessInfo.processInfo.environment["WAYFINDER_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            if let password {
                do {
                    if let admin = try await server.bootstrapAdmin(password: password) {
                        logger.notice("first start: created the server admin from WAYFINDER_ADMIN_PASSWORD", metadata: ["email": "\(admin.email)"])
                    }
                } catch {
                    throw CommandFailure(message: "cannot create the first admin: \(error)")
                }
            }
            try await ServerLauncher.run(server, database: storeName, logger: logger) { url in
                // A one-time password is made only once the server listens, so that it is never
                // made for a server that could not start, and printed once to standard output, never logged.
                guard password == nil else { return }
                do {
                    guard let admin = try await server.bootstrapAdmin(password: nil), let oneTime = admin.oneTimePassword else { return }
                    Console.out("""
                        First start: created the server admin \(admin.email) with the one-time password
                          \(oneTime)
                        Sign in at \(url)/signin and choose a new one on the page that opens (or PUT /api/v1/session/password); it is not shown again.
                        """)
                } catch {
                    logger.error("cannot create the first admin; restart the server to try again", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
