/// When a connection must be closed, from what its client has done so far (times in
/// nanoseconds of a monotonic clock):
///
/// - waiting for a request (just opened, or its last answer written, and no byte since): the
///   idle timeout after it began to wait;
/// - reading a request's head: the header timeout after its first byte, however the rest trickles in;
/// - reading a request's body: the body timeout after the last byte received;
/// - answering (the request read, its answer not yet written): none, the server is at work.
struct ConnectionDeadlines: Sendable {
    /// Which wait ran out.
    enum Reason: String, Sendable, CaseIterable {
        case idle, header, body
    }

    private let header: UInt64, body: UInt64, idle: UInt64
    /// Requests whose head has arrived and whose answer is not yet written.
    private(set) var requestsInProgress = 0
    /// Whether a request's body is being read.
    private(set) var readingBody = false
    private var idleSince: UInt64
    private var headSince: UInt64?
    private var lastBodyByte: UInt64 = 0

    /// A connection opened at `now`.
    init(headerTimeout: Duration, bodyTimeout: Duration, idleTimeout: Duration, now: UInt64) {
        header = Self.nanoseconds(headerTimeout)
        body = Self.nanoseconds(bodyTimeout)
        idle = Self.nanoseconds(idleTimeout)
        idleSince = now
    }

    /// Bytes arrived.
    mutating func bytesReceived(at now: UInt64) {
        if readingBody {
            lastBodyByte = now
        } else if headSince == nil {
            headSince = now
        }
    }

    /// A request's head is complete.
    mutating func headReceived(at now: UInt64) {
        headSince = nil
        readingBody = true
        lastBodyByte = now
        requestsInProgress += 1
    }

    /// A request's body is complete.
    mutating func endReceived() {
        readingBody = false
    }

    /// An answer has been written.
    mutating func responseEnded(at now: UInt64) {
        requestsInProgress = max(0, requestsInProgress - 1)
        if requestsInProgress == 0 { idleSince = now }
    }

    /// When the connection must be closed and why; nil while the server answers.
    var deadline: (at: UInt64, reason: Reason)? {
        if readingBody { return (Self.adding(lastBodyByte, body), .body) }
        if requestsInProgress > 0 { return nil }
        if let headSince { return (Self.adding(headSince, header), .header) }
        return (Self.adding(idleSince, idle), .idle)
    }

    /// Since when the connection has been waiting for its client with no request read or
    /// answered (idle, or a head still arriving); nil otherwise. Past the connection limit the
    /// longest waiting is closed first.
    var waitingSince: UInt64? {
        readingBody || requestsInProgress > 0 ? nil : (headSince ?? idleSince)
    }

    private static func adding(_ time: UInt64, _ span: UInt64) -> UInt64 {
        let (sum, overflow) = time.addingReportingOverflow(span)
        return overflow ? .max : sum
    }

    /// A duration in whole nanoseconds, negative ones as zero and huge ones as the largest.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < 1_000_000_000 else { return .max }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
