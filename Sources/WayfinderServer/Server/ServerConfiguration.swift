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
