import CustomerData
import Dispatch
import Foundation
import JourneyStore
import Logging

/// Uploaded event files being stored: each is read in batches with the rules of
/// `wayfinder import` and handed to the server's single ``EventWriter`` (which owns the identity
/// graph), so uploads and collection stitch into one graph. Progress is kept per job for
/// polling; the store records each upload and how it ended, so a poll after a restart still
/// answers (an upload the server stopped during reads as `interrupted`).
actor UploadJobs {
    /// One upload's progress.
    struct Job: Sendable, Codable {
        var id: String
        var workspace: String
        var file: String
        var format: String
        var status: String
        var bytes: Int64
        var bytesRead: Int64 = 0
        var records = 0
        var imported = 0
        var duplicates = 0
        var quarantined = 0
        var error: String?
        var started: Date
        var finished: Date?

        enum CodingKeys: String, CodingKey {
            case id, workspace, file, format, status, bytes, records, imported, duplicates, quarantined, error, started, finished
            case bytesRead = "bytes_read"
        }

        /// A job as the store recorded it, for an upload this process is not running.
        init(_ record: UploadRecord) {
            id = record.id
            workspace = record.workspace
            file = record.file
            format = record.format
            bytes = record.bytes
            status = record.status == "running" ? "interrupted" : record.status
            error = record.status == "running"
                ? "the server stopped during this upload; what was stored stays, and uploading the file again completes it (duplicates are skipped)" : record.error
            bytesRead = record.status == "done" ? record.bytes : 0
            (records, imported, duplicates, quarantined) = (record.records, record.imported, record.duplicates, record.quarantined)
            started = Date(timeIntervalSince1970: Double(record.startedAt) / 1000)
            finished = record.finishedAt.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }

        /// A job this process has just started.
        init(started record: UploadRecord) {
            self.init(record)
            status = "running"
            error = nil
        }
    }

    private var jobs: [String: Job] = [:]
    private var order: [String] = []
    private let keep = 200

    /// Records the upload in the store and starts storing the file at `path` (deleted when done)
    /// into a workspace's customer data; returns the job.
    func start(path: String, file: String, format: RecordReader.Format, mapping: CSVMapping = .standard, into data: any WorkspaceCustomerData, bytes: Int64, writer: EventWriter,
               store: any ServerStore, options: Importer.Options, logger: Logger) async throws -> Job {
        let id = "upl_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let record = try await storeCall { () async throws(WorkspaceStoreError) in
            try await store.startUpload(id: id, workspace: data.workspace, file: file, format: format.rawValue, bytes: bytes)
        }
        let job = Job(started: record)
        jobs[id] = job
        order.append(id)
        if order.count > keep, let oldest = order.first, jobs[oldest]?.status != "running" {
            order.removeFirst()
            jobs[oldest] = nil
        }
        Task.detached { [self] in
            await self.run(id: id, path: path, source: record.source, file: file, format: format, mapping: mapping, into: data, writer: writer, store: store,
                           options: options, logger: logger)
        }
        return job
    }

    /// A job by id, within a workspace: this process's, else as the store recorded it.
    func job(_ id: String, workspace: String, store: any ServerStore) async throws -> Job? {
        if let job = jobs[id] { return job.workspace == workspace ? job : nil }
        return try await storeCall { () async throws(WorkspaceStoreError) in try await store.upload(id: id, workspace: workspace) }.map { Job($0) }
    }

    /// The latest jobs of a workspace, newest first.
    func list(workspace: String, store: any ServerStore) async throws -> [Job] {
        let limit = keep
        let stored = try await storeCall { () async throws(WorkspaceStoreError) in try await store.uploads(workspace: workspace, limit: limit) }
        return stored.map { jobs[$0.id] ?? Job($0) }
    }

    private var waiters: [String: [CheckedContinuation<Job?, Never>]] = [:]

    /// The job once it has finished (done or failed); nil for an unknown id.
    func finished(_ id: String) async -> Job? {
        guard let job = jobs[id] else { return nil }
        if job.status != "running" { return job }
        return await withCheckedContinuation { waiters[id, default: []].append($0) }
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        if var job = jobs[id] {
            change(&job)
            jobs[id] = job
            if job.status != "running", let waiting = waiters.removeValue(forKey: id) {
                for waiter in waiting { waiter.resume(returning: job) }
            }
        }
    }

    /// Records the end in the store, then in the job (so a waiter sees the store already updated).
    private func end(_ id: String, status: String, error: String?, store: any ServerStore, logger: Logger) async {
        do {
            try await store.finishUpload(id: id, status: status, error: error)
        } catch {
            logger.error("could not record how an upload ended", metadata: ["upload.id": "\(id)", "error.type": "\(type(of: error))"])
        }
        update(id) {
            $0.status = status
            $0.error = error
            if status == "done" { $0.bytesRead = $0.bytes }
            $0.finished = Date()
        }
    }

    private func run(id: String, path: String, source: Int64, file: String, format: RecordReader.Format, mapping: CSVMapping, into data: any WorkspaceCustomerData,
                     writer: EventWriter, store: any ServerStore, options: Importer.Options, logger: Logger) async {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batches = RecordBatches(path: path, format: format, mapping: mapping, batchSize: options.batchSize, prepareWithJunk: options.junk,
                                    phoneCountry: options.phoneCountry)
        let origin = "upload \(id) \(file)"
        while true {
            let item = await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .utility).async { continuation.resume(returning: batches.next()) }
            }
            switch item {
            case .batch(let records, let bytesRead, _, _):
                do {
                    let counts = try await writer.write(RecordGroup(origin: origin, records: records), into: data, source: source)
                    update(id) {
                        $0.bytesRead = bytesRead
                        $0.records += counts.records
                        $0.imported += counts.imported
                        $0.duplicates += counts.duplicates
                        $0.quarantined += counts.quarantined
                    }
                } catch {
                    batches.cancel()
                    logger.error("upload failed", metadata: ["upload.id": "\(id)", "error.type": "\(type(of: error))"])
                    await end(id, status: "failed", error: "the store could not take the events; what was stored before stays, and uploading the file again completes it (duplicates are skipped)",
                              store: store, logger: logger)
                    return
                }
            case .end:
                await end(id, status: "done", error: nil, store: store, logger: logger)
                return
            case .failure(let failure):
                await end(id, status: "failed", error: "\(file): \(failure.description); nothing of it from there on was stored (what came before is, and uploading the file again adds only what is missing)",
                          store: store, logger: logger)
                return
            }
        }
    }
}
