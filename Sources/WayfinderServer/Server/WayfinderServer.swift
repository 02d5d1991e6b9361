import Foundation
import Hummingbird
import HummingbirdCore
import JourneyStore
import Logging
import NIOCore
import ServiceLifecycle

/// The Wayfinder server: event collection compatible with Segment's tracking API, `/health`
/// and Prometheus `/metrics`, on Hummingbird, over one ``JourneyStore``.
///
/// ```swift
/// let store = try JourneyStore(path: "wayfinder.db", durableCommits: true)
/// let server = try WayfinderServer(configuration: ServerConfiguration(), store: store, logger: logger)
/// try await server.run()   // until SIGTERM or SIGINT
/// ```
public struct WayfinderServer: Sendable {
    /// How it runs.
    public let configuration: ServerConfiguration
    /// Where events go.
    public let store: any ServerStore
    /// What `/metrics` shows.
    public let metrics: ServerMetrics
    /// The single writer of collected events.
    public let writer: EventWriter
    /// Posts alerts from the outbox; nil when alerts are off.
    public let alertWorker: AlertDeliveryWorker?
    let logger: Logger
    let analyses: AnalysisCache
    let uploads = UploadJobs()
    let pages: Pages
    let newKeys = NewKeyNotes()
    let signIns: SignInThrottle
    /// The people editing each map together (``LiveMaps``).
    let rooms = MapRooms()

    /// Where analyses run when not on the store (`serve --events`), or nil.
    public let cluster: (any AnalyticsCluster)?

    /// Prepares a server over a store: loads the identity graph and starts the writer. With a
    /// `cluster`, analyses run there, on a copy of each workspace brought up to date as they ask.
    public init(configuration: ServerConfiguration, store: any ServerStore, cluster: (any AnalyticsCluster)? = nil,
                metrics: ServerMetrics = ServerMetrics(), logger: Logger) throws {
        self.configuration = configuration
        self.store = store
        self.cluster = cluster
        self.metrics = metrics
        self.logger = logger
        analyses = AnalysisCache(cluster: cluster, logger: logger)
        pages = try Pages()
        let accounts = configuration.accounts
        signIns = SignInThrottle(policy: .init(addressAllowance: accounts.failuresPerAddress, emailAllowance: accounts.failuresPerEmail,
                                               firstDelay: accounts.firstRetryDelay, maximumDelay: accounts.maximumRetryDelay, memory: accounts.failureMemory))
        let worker = configuration.alerts.enabled
            ? AlertDeliveryWorker(store: store, options: configuration.alerts, version: configuration.version, metrics: metrics, logger: logger) : nil
        alertWorker = worker
        writer = try EventWriter(store: store, options: configuration.importOptions, stream: "http collection",
                                 messagesPerCommit: configuration.limits.messagesPerCommit, metrics: metrics, logger: logger,
                                 alerts: worker != nil, onCommit: { worker?.wake() })
    }

    /// The router with every route and middleware.
    public func router() -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        let routes = RouteTable()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics, routes: routes))
        router.add(middleware: CollectionCORSMiddleware())
        router.add(middleware: ErrorMiddleware(routes: routes, requestLimit: configuration.limits.requestBytes))

        let health = HealthRoute(version: configuration.version, store: store, cluster: cluster, writer: writer)
        router.on("/health", method: .get, table: routes) { request, context in try await health.handle(request, context: context) }
        let metrics = self.metrics
        let store = self.store, cluster = self.cluster
        router.on("/metrics", method: .get, table: routes) { _, _ in
            // Whether the store (and the cluster analyses run on) answers, asked at each scrape, named by its backend.
            let up = await store.isReadable() ? 1 : 0
            var storeUp = """
                # HELP wayfinder_store_up Whether the store answered a read when the metrics were scraped.
                # TYPE wayfinder_store_up gauge
                wayfinder_store_up{backend="\(store.backend)"} \(up)

                """
            if let cluster {
                storeUp += """
                    # HELP wayfinder_analytics_cluster_up Whether the cluster analyses run on answered when the metrics were scraped.
                    # TYPE wayfinder_analytics_cluster_up gauge
                    wayfinder_analytics_cluster_up{backend="\(cluster.backend)"} \(await HealthRoute.reachable(cluster) ? 1 : 0)

                    """
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition() + Array(storeUp.utf8))))
        }
        let collection = CollectionHandler(writer: writer, keys: WriteKeys(store: store), metrics: metrics, limits: configuration.limits,
                                           options: configuration.importOptions)
        for route in CollectionRoute.allCases {
            router.on(route.path, method: .post, table: routes) { request, context in
                try await collection.handle(request, context: context, route: route)
            }
        }
        SurveySnippet.addRoutes(to: router, table: routes)
        let api = apiContext()
        let registrar = APIRegistrar(router: router, table: routes, api: api)
        SessionRoutes.register(registrar)
        AccountRoutes.register(registrar)
        WorkspaceRoutes.register(registrar)
        MapRoutes.register(registrar)
        CommentRoutes.register(registrar)
        AnalysisRoutes.register(registrar)
        UploadRoutes.register(registrar)
        AlertRoutes.register(registrar, worker: alertWorker)
        PageRoutes.register(registrar, pages: pages, newKeys: newKeys)
        WorkspacePageRoutes.register(registrar, pages: pages)
        MemberPageRoutes.register(registrar, pages: pages)
        WebAssets.register(registrar)
        let document = OpenAPIDocument.json
        registrar.open(.get, "/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
        }
        routeTable.withLock { $0 = routes }
        return router
    }

    private let routeTable = RouteTableBox()

    /// What the routes share: the store, the authenticator, the writer, the caches.
    func apiContext() -> APIContext {
        APIContext(store: store, auth: Authenticator(store: store), configuration: configuration, writer: writer, analyses: analyses, uploads: uploads,
                   signIns: signIns, rooms: rooms)
    }

    /// The routes of the last router built, as (path, method), for checking the OpenAPI document.
    public func registeredRoutes() -> [(path: String, method: String)] {
        _ = router()
        return routeTable.withLock { $0?.all() ?? [] }
    }

    /// On a first start (no user yet), creates the server admin (`admin@localhost` unless `email`
    /// says otherwise), with the password given (from `WAYFINDER_ADMIN_PASSWORD`, or the demo's) or
    /// a generated one-time password, which is returned so the caller prints it once; it is never
    /// logged. Nil when users exist already.
    public func bootstrapAdmin(password: String?, email: String = "admin@localhost", name: String = "Admin") async throws
        -> (email: String, oneTimePassword: String?)? {
        guard !(try await store.hasUsers()) else { return nil }
        if let password, let problem = Passwords.problem(password, minimumLength: configuration.accounts.minimumPasswordLength) {
            throw BootstrapFailure(description: "WAYFINDER_ADMIN_PASSWORD: " + problem.replacingOccurrences(of: "password: ", with: ""))
        }
        let chosen = password ?? String(StoreSecrets.random(prefix: "").prefix(24))
        let hash = await Passwords.hash(chosen, cost: configuration.accounts.passwordCost)
        do {
            _ = try await store.createUser(email: email, name: name, passwordHash: hash, isAdmin: true, mustChangePassword: password == nil)
        } catch {
            // Another server process on the same store created the admin at the same moment.
            if error.code == .alreadyExists { return nil }
            throw error
        }
        return (email, password == nil ? chosen : nil)
    }

    /// Why the first admin could not be created.
    public struct BootstrapFailure: Error, CustomStringConvertible {
        /// What to do.
        public var description: String
    }

    /// The application: the router, the HTTP server, the writer, which stops after the HTTP
    /// server has finished its requests, and the alert delivery worker. The writer does not start
    /// again, so a server runs once. `onListening` receives the server's URL (with the port
    /// chosen when the configuration asks for port 0) once it accepts connections, before the
    /// `server listening` log line.
    public func application(onListening: (@Sendable (_ url: String) async -> Void)? = nil) -> some ApplicationProtocol {
        let logger = self.logger
        let limits = configuration.connections, metrics = self.metrics
        let registry = ConnectionRegistry(maximum: limits.effectiveMaximumConnections)
        let live = LiveMaps(api: apiContext(), rooms: rooms)
        return Application(
            router: router(),
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(responder: responder, limits: limits, registry: registry, metrics: metrics, shouldUpgrade: live.shouldUpgrade)
            },
            // A long queue of connections waiting to be accepted (the kernel caps it at somaxconn), so that
            // a flood of connections does not make the kernel drop a real client's SYN, which it would
            // only send again seconds later.
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                                                    backlog: 4096),
            services: [writer, MapWatcher(rooms: rooms, store: store, interval: .seconds(1), logger: logger) as any Service]
                + (alertWorker.map { [$0] } ?? []),
            onServerRunning: { channel in
                let address = channel.localAddress
                let url = "http://\(address?.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? "-"):\(address?.port ?? 0)"
                // Logged after `onListening` returns, so that what it prints (the first admin's
                // one-time password, the demo's links) is out before anyone acting on this line.
                await onListening?(url)
                logger.notice("server listening", metadata: ["url": "\(url)"])
            },
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully: the listener closes, requests in
    /// flight finish, the writer commits what is waiting, and only then does this return.
    /// `onListening` receives the server's URL once it accepts connections.
    public func run(onListening: (@Sendable (_ url: String) async -> Void)? = nil) async throws {
        try await application(onListening: onListening).runService()  // graceful shutdown on SIGTERM and SIGINT
    }
}
