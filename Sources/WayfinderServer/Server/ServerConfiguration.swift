import CustomerData
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
    /// Stitching settings of the collection writer (junk identifiers, cluster size, phone country).
    public var importOptions = Importer.Options()
    /// Alert rules and their delivery.
    public var alerts = AlertDeliveryOptions()
    /// Sign-in sessions, passwords and lock-out.
    public var accounts = AccountSettings()
    /// Bytes of one JSON API request body (maps, personas, imports, queries).
    public var apiRequestBytes = 8 * 1024 * 1024
    /// Bytes of one uploaded event file (`POST /api/v1/workspaces/{ws}/uploads`), after which it is refused with 413.
    public var uploadBytes = 256 * 1024 * 1024

    /// The default configuration.
    public init() {}
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
    /// Failed sign-ins of one user within ``lockoutWindow`` after which it is locked out…
    public var lockoutLimit = 5
    /// …until the oldest of them is this many seconds old.
    public var lockoutWindow: Double = 15 * 60
    /// The minimum length of a password.
    public var minimumPasswordLength = 12

    /// The defaults: secure cookies, 12-hour sessions, bcrypt cost 12, 5 failures in 15 minutes.
    public init() {}
}
