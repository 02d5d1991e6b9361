import CustomerData
import Foundation
import JourneyStore

/// How a Wayfinder server runs: where it listens, the product version it reports, and the
/// limits of event collection.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; loopback by default, so nothing outside the machine reaches it.
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one (the log line `server listening` names it).
    public var port = 8080
    /// The version `/health` reports.
    public var version = "0.0.0"
    /// Limits of event collection.
    public var limits = CollectionLimits()
    /// How long the server waits for clients, and how many connections it holds.
    public var connections = ConnectionLimits()
    /// Stitching settings of the collection writer (junk identifiers, cluster size, phone country).
    public var importOptions = Importer.Options()
    /// Alert rules and their delivery.
    public var alerts = AlertDeliveryOptions()
    /// Sign-in sessions, passwords and throttling.
    public var accounts = AccountSettings()
    /// Bytes of one JSON API request body (maps, personas, imports, queries).
    public var apiRequestBytes = 8 * 1024 * 1024
    /// Addresses of reverse proxies in front of the server whose `X-Forwarded-For` names the
    /// client (for sign-in throttling); empty: the connection's peer is the client.
    public var trustedProxies: [String] = []
    /// Bytes of one uploaded event file (`POST /api/v1/workspaces/{ws}/uploads`), after which it is refused with 413.
    public var uploadBytes = 256 * 1024 * 1024

    /// The default configuration.
    public init() {}

    /// Whether `text` is an IPv4 or IPv6 address literal (`203.0.113.7`, `2001:db8::1`), as
    /// ``trustedProxies`` takes.
    public static func isIPAddress(_ text: String) -> Bool { IPAddress(text) != nil }
}

/// How long the server waits for a client, and how many connections it holds open, so that
/// clients that open connections and send nothing, or trickle a request in, cannot use up its
/// open files and keep others out.
public struct ConnectionLimits: Sendable {
    /// The longest a request's head (request line and headers) may take to arrive, from its first byte.
    public var headerTimeout: Duration = .seconds(10)
    /// The longest pause while a request's body arrives.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a connection may wait for a request: once opened, and after each answer (keep-alive).
    public var idleTimeout: Duration = .seconds(30)
    /// The most connections held open at once; past it, the connection that has waited longest
    /// for its client is closed to make room. Nil: the process's open-file limit (`ulimit -n`)
    /// less the files open when the server starts and an eighth (at least 64) kept for the
    /// store, uploads and outgoing webhooks.
    public var maximumConnections: Int?

    /// The defaults: 10 s for a head, 30 s of silence in a body, 30 s idle, connections up to the open-file limit.
    public init() {}

    /// The connection limit in effect.
    public var effectiveMaximumConnections: Int { maximumConnections ?? Self.automaticMaximum() }

    /// The open-file limit less the files open now and a reserve, between 16 and 1,000,000.
    static func automaticMaximum() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 1024 - 128 }
        // RLIM_INFINITY is the largest value, so clamping makes it a million files too.
        return automaticMaximum(files: Int(clamping: min(limit.rlim_cur, 1_000_000)), open: openFiles())
    }

    /// The connections that fit in `files` open files when `open` are taken already (the store,
    /// and whatever the process was started with), keeping an eighth (at least 64) for the
    /// store, uploads and outgoing webhooks: between 16 and 1,000,000. Were the files open
    /// before not counted, accepting would fail for want of files before the limit made room,
    /// and a flood of idle connections would keep everyone else out.
    static func automaticMaximum(files: Int, open: Int) -> Int {
        min(max(files - max(0, open) - max(64, files / 8), 16), 1_000_000)
    }

    /// How many files this process has open (0 when the system does not say).
    static func openFiles() -> Int {
        for folder in ["/proc/self/fd", "/dev/fd"] {
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) { return entries.count }
        }
        return 0
    }
}

/// Limits of event collection, as Segment's tracking API has them.
public struct CollectionLimits: Sendable {
    /// Bytes of one message, as compact JSON.
    public var eventBytes = EventDecoder.maximumRecordSize
    /// Bytes of one request body, after decompression too.
    public var requestBytes = 500 * 1024
    /// Messages in one `/v1/batch` request.
    public var batchMessages = 2_500
    /// Messages committed in one transaction at most; more waiting wait for the next.
    public var messagesPerCommit = 20_000

    /// The default limits: 32 KB an event, 500 KB a request, 2,500 events a batch.
    public init() {}
}

/// How accounts sign in.
public struct AccountSettings: Sendable {
    /// Whether the session cookie carries `Secure`, so browsers send it over HTTPS only. On by
    /// default; turn it off (`wayfinder serve --insecure-cookies`) only for plain HTTP on loopback,
    /// such as tests and a laptop, since a browser would otherwise not send the cookie back.
    public var secureCookies = true
    /// How long a sign-in lasts.
    public var sessionLifetime: Double = 12 * 3600
    /// The bcrypt cost of new password hashes (at least 10).
    public var passwordCost: UInt8 = 12
    /// Failed sign-ins from one client address (over every email) before each further attempt
    /// from it must wait (429 with `Retry-After`).
    public var failuresPerAddress = 20
    /// Failed sign-ins on one email (over every address; known or not) before each further
    /// attempt on it, from an address that failed on it, must wait.
    public var failuresPerEmail = 5
    /// The first wait after the allowance is used up, in seconds; it doubles with each further failure…
    public var firstRetryDelay: Double = 1
    /// …up to this many seconds.
    public var maximumRetryDelay: Double = 15 * 60
    /// Seconds without a failure after which an address's or an email's failures are forgotten.
    public var failureMemory: Double = 3600
    /// The minimum length of a password.
    public var minimumPasswordLength = 12
    /// The clock sign-in waits are measured with (injectable for tests).
    public var now: @Sendable () -> Date = { Date() }

    /// The defaults: secure cookies, 12-hour sessions, bcrypt cost 12; after 20 failures from an
    /// address or 5 on an email, waits of 1 s doubling up to 15 minutes.
    public init() {}
}
