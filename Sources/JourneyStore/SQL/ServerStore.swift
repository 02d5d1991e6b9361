import CustomerData
import Foundation

/// The store a server runs on, whichever database holds it: the workspace store, and each
/// workspace's customer data to read, list, erase and write.
///
/// The embedded ``JourneyStore`` is one; the team server's PostgreSQL store is another.
public protocol ServerStore: SQLWorkspaceStore {
    /// The database, as `/health` and `/metrics` name it: `sqlite` or `postgresql`.
    var backend: String { get }

    /// The customer data of workspace `id`; a not-found error naming the workspaces there are otherwise.
    func customerData(_ id: String) async throws(WorkspaceStoreError) -> any WorkspaceCustomerData

    /// Whether the database answers a read now (for health checks); never throws.
    func isReadable() async -> Bool

    /// Enqueues the deliveries of stage-stay alert rules due at `now`, and returns how many.
    @discardableResult
    func enqueueStageStays(now: Date) async throws(WorkspaceStoreError) -> Int

    /// Prepares the store for a long-running writer of collected events, on the thread that
    /// will write; what it returns is told of each commit, and stopped when writing ends.
    func startCollecting() throws -> any CollectionCheckpoints

    /// Why the store cannot take events now, or nil when it can.
    var writeProblem: String? { get }
}

/// What a store does beside a long-running writer after each commit (the embedded store copies
/// its write-ahead log into the database on another thread).
public protocol CollectionCheckpoints {
    /// Called after each commit.
    func committed()
    /// Called when the writer stops.
    func stop() throws
}

/// One workspace's customer data as a server uses it, whichever database holds it.
public protocol WorkspaceCustomerData: CustomerDataReader, CustomerDirectory {
    /// A number that tells this workspace apart from one deleted and created again under the same id.
    var workspaceRow: Int64 { get }

    /// What the workspace holds, and where it came from.
    func overview() async throws -> (counts: WorkspaceData.Counts, sources: [SourceRecord])

    /// The watermark of the workspace's events, customers and personas.
    func indexWatermark() async throws -> IndexWatermark

    /// The last `limit` records set aside from `file` (every file when nil), newest last, and how many there are in all.
    func quarantinedRecords(file: String?, limit: Int) async throws -> (records: [WorkspaceData.QuarantinedRecord], total: Int)

    /// A writer of the workspace's customer data, for one thread.
    func writer(options: Importer.Options) throws -> any CustomerDataWriter
}

/// Stores records into one workspace's customer data with the rules of an import: stitching,
/// deduplication, quarantine. One thread uses a writer at a time.
public protocol CustomerDataWriter: AnyObject {
    /// Opens a source whose records arrive over time; with `alerts`, its commits evaluate the
    /// workspace's alert rules where the store can.
    func openStream(name: String, format: String, alerts: Bool) throws -> Int64

    /// Stores groups of records in one transaction, counted in `stream`; the counts of each group.
    func store(_ groups: [RecordGroup], stream: Int64, evaluatingAlerts: Bool) throws -> [Importer.Counts]

    /// Marks a source finished.
    func closeStream(_ stream: Int64) throws

    /// Commits whose events were stored but whose alert rules could not be evaluated.
    var alertEvaluationFailures: Int { get }
}

extension JourneyStore: ServerStore {
    public var backend: String { "sqlite" }

    public func customerData(_ id: String) async throws(WorkspaceStoreError) -> any WorkspaceCustomerData {
        try await workspaceData(id)
    }

    public func startCollecting() throws -> any CollectionCheckpoints { try StreamCheckpoints(store: self) }

    public var writeProblem: String? { indexProblem }
}

extension StreamCheckpoints: CollectionCheckpoints {}

extension WorkspaceData: WorkspaceCustomerData {
    public var workspaceRow: Int64 { rowID }

    public func writer(options: Importer.Options) throws -> any CustomerDataWriter { try Importer(data: self, options: options) }
}

extension Importer: CustomerDataWriter {}
