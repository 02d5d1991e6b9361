import CustomerData
import JourneyAnalytics
import JourneyModel
import JourneyStore

/// The input limits and timeouts of `docs/security.md`, generated from the values the code
/// uses by default (`wayfinder schema --format security-limits`), so the document cannot state
/// other numbers than the server enforces; a test holds them against the document.
public enum SecurityLimits {
    /// One limit: what is limited, the limit, and how an operator changes it.
    public struct Limit: Sendable {
        /// What is limited.
        public var what: String
        /// The limit, in words and numbers.
        public var limit: String
        /// The option or setting that changes it, or how it is fixed.
        public var setting: String
    }

    /// Every limit, grouped as the document lists them.
    public static var groups: [(title: String, limits: [Limit])] {
        let collection = CollectionLimits(), connections = ConnectionLimits(), accounts = AccountSettings(), server = ServerConfiguration()
        let alerts = AlertDeliveryOptions()
        return [
            ("Event collection (`/v1/*`)", [
                Limit(what: "one event (compact JSON)", limit: bytes(collection.eventBytes), setting: "fixed (Segment's limit); larger: 413"),
                Limit(what: "one request body, also after gzip is undone", limit: bytes(collection.requestBytes), setting: "`CollectionLimits.requestBytes`; larger: 413"),
                Limit(what: "events in one `/v1/batch`", limit: count(collection.batchMessages), setting: "`CollectionLimits.batchMessages`; more: 413"),
            ]),
            ("JSON API and pages", [
                Limit(what: "a JSON request body (maps, personas, imports, queries)", limit: bytes(server.apiRequestBytes),
                      setting: "`ServerConfiguration.apiRequestBytes`; larger: 413"),
                Limit(what: "a sign-in or password change body", limit: bytes(SessionRoutes.bodyBytes), setting: "fixed; larger: 413"),
                Limit(what: "a form posted by a page", limit: bytes(FormBody.maximumBytes), setting: "fixed; larger: 413"),
                Limit(what: "an uploaded event file (`POST …/uploads`), as sent", limit: bytes(server.uploadBytes),
                      setting: "`ServerConfiguration.uploadBytes`; larger: 413"),
                Limit(what: "the name of an API key", limit: "\(count(AccountRoutes.maximumKeyNameLength)) characters, no control characters", setting: "fixed; else 400"),
            ]),
            ("Connections", [
                Limit(what: "a request's head (request line and headers), from its first byte", limit: seconds(connections.headerTimeout), setting: "`serve --header-timeout`"),
                Limit(what: "a pause while a request's body arrives", limit: seconds(connections.bodyTimeout), setting: "`serve --body-timeout`"),
                Limit(what: "a connection waiting for a request (once opened, between requests)", limit: seconds(connections.idleTimeout), setting: "`serve --idle-timeout`"),
                Limit(what: "connections open at once", limit: "the open-file limit (`ulimit -n`) less the files open at start and an eighth, at least 64 files kept",
                      setting: "`serve --max-connections`; past it the connection that waited longest for its client is closed"),
            ]),
            ("Editing together (`/w/{workspace}/maps/{map}/live`, a WebSocket)", [
                Limit(what: "one message", limit: bytes(MapRooms.maximumMessage), setting: "fixed; larger: the connection is closed"),
                Limit(what: "messages from one browser", limit: "\(Int(MapRooms.messagesPerSecond)) a second on average, \(MapRooms.messageBurst) at once",
                      setting: "fixed; past it each message is refused with an `error` and not applied"),
                Limit(what: "people in one map's room", limit: count(MapRooms.maximumMembers), setting: "fixed; more: an `error` says so and the connection closes"),
                Limit(what: "edits kept between two saves", limit: count(MapRooms.maximumLog), setting: "fixed; more: refused until the saver saves"),
            ]),
            ("Accounts", [
                Limit(what: "a session", limit: hours(accounts.sessionLifetime), setting: "`AccountSettings.sessionLifetime`"),
                Limit(what: "a password", limit: "\(accounts.minimumPasswordLength) characters to \(Passwords.maximumBytes) bytes",
                      setting: "`AccountSettings.minimumPasswordLength`; bcrypt reads no more bytes"),
                Limit(what: "bcrypt cost of password hashes", limit: "\(accounts.passwordCost)", setting: "`AccountSettings.passwordCost`"),
                Limit(what: "failed sign-ins before each further attempt waits", limit: "\(accounts.failuresPerAddress) from one address, \(accounts.failuresPerEmail) on one email",
                      setting: "`AccountSettings.failuresPerAddress`, `failuresPerEmail`"),
                Limit(what: "the wait (429 with `Retry-After`)", limit: "\(seconds(accounts.firstRetryDelay)), doubling up to \(minutes(accounts.maximumRetryDelay))",
                      setting: "`AccountSettings.firstRetryDelay`, `maximumRetryDelay`"),
                Limit(what: "failures are forgotten after", limit: hours(accounts.failureMemory) + " without one", setting: "`AccountSettings.failureMemory`"),
            ]),
            ("Alert webhooks", [
                Limit(what: "one delivery attempt", limit: seconds(alerts.timeout), setting: "`AlertDeliveryOptions.timeout`"),
                Limit(what: "attempts of a delivery", limit: "\(alerts.maximumAttempts), the first retry after \(seconds(alerts.firstRetryDelay)), doubling up to \(hours(alerts.maximumRetryDelay)), with jitter",
                      setting: "`AlertDeliveryOptions`"),
                Limit(what: "deliveries posted at once", limit: "\(alerts.concurrency)", setting: "`AlertDeliveryOptions.concurrency`"),
                Limit(what: "a stage-stay rule's `days`", limit: "more than 0 and at most \(number(AlertRule.maximumStageStayDays))", setting: "fixed; else 400"),
            ]),
            ("Journey-as-code text (characters; longer is an error with its line and column)", [
                Limit(what: "ids", limit: count(TextLimit.identifier), setting: "fixed"),
                Limit(what: "names, titles, channels, owners, KPI units", limit: count(TextLimit.name), setting: "fixed"),
                Limit(what: "card texts, quotes, goals, objectives, sources, event names", limit: count(TextLimit.text), setting: "fixed"),
                Limit(what: "descriptions, a persona's background", limit: count(TextLimit.description), setting: "fixed"),
                Limit(what: "keys of free mappings (demographics, trait and property paths)", limit: count(TextLimit.key), setting: "fixed"),
                Limit(what: "values of demographics and conditions (regular expressions too)", limit: count(TextLimit.value), setting: "fixed"),
            ]),
            ("Numeric options of an analysis ([docs/analytics.md](analytics.md); anything else: 400 naming `options.KEY`)", Options.numericRanges.map { range in
                Limit(what: "`\(range.key)`", limit: range.expected + (range.integer ? ", whole numbers" : ""), setting: "fixed")
            }),
        ]
    }

    /// The limits as Markdown: one table per group.
    public static func markdown() -> String {
        var lines: [String] = []
        for (index, group) in groups.enumerated() {
            if index > 0 { lines.append("") }
            lines += ["**\(group.title)**", "", "| what | limit | set by |", "| --- | --- | --- |"]
            lines += group.limits.map { "| \($0.what) | \($0.limit) | \($0.setting) |" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Numbers in words

    static func count(_ value: Int) -> String { TextLimit.grouped(value) }

    static func number(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? count(Int(value)) : "\(value)" }

    static func bytes(_ value: Int) -> String {
        if value >= 1 << 20, value % (1 << 20) == 0 { return "\(count(value >> 20)) MB" }
        if value >= 1 << 10, value % (1 << 10) == 0 { return "\(count(value >> 10)) KB" }
        return "\(count(value)) bytes"
    }

    static func seconds(_ value: Duration) -> String { seconds(Double(value.components.seconds) + Double(value.components.attoseconds) / 1e18) }
    static func seconds(_ value: Double) -> String { "\(number(value)) s" }
    static func minutes(_ value: Double) -> String { "\(number(value / 60)) min" }
    static func hours(_ value: Duration) -> String { hours(Double(value.components.seconds)) }
    static func hours(_ value: Double) -> String { "\(number(value / 3600)) h" }
}
