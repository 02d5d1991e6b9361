import CustomerData
import Dispatch
import Foundation
import JourneyStore
import Logging

/// Uploaded event files being stored: each is read in batches with the rules of
/// `wayfinder import` and handed to the server's single ``EventWriter`` (which owns the identity
/// graph), so uploads and collection stitch into one graph. Progress is kept per job for polling.
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
    }

    private var jobs: [String: Job] = [:]
    private var order: [String] = []
    private let keep = 200

    /// Starts storing the file at `path` (deleted when done) and returns the job.
    func start(path: String, file: String, format: RecordReader.Format, workspace: String, bytes: Int64, writer: EventWriter,
               store: JourneyStore, options: Importer.Options, logger: Logger) -> Job {
        let id = "upl_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let job = Job(id: id, workspace: workspace, file: file, format: format.rawValue, status: "running", bytes: bytes, started: Date())
        jobs[id] = job
        order.append(id)
        if order.count > keep, let oldest = order.first, jobs[oldest]?.status != "running" {
            order.removeFirst()
            jobs[oldest] = nil
        }
        Task.detached { [self] in
            await self.run(id: id, path: path, file: file, format: format, writer: writer, store: store, options: options, logger: logger)
        }
        return job
    }

    /// A job by id, within a workspace.
    func job(_ id: String, workspace: String) -> Job? {
        guard let job = jobs[id], job.workspace == workspace else { return nil }
        return job
    }

    /// The jobs of a workspace, newest first.
    func list(workspace: String) -> [Job] { order.reversed().compactMap { jobs[$0] }.filter { $0.workspace == workspace } }

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

    private func run(id: String, path: String, file: String, format: RecordReader.Format, writer: EventWriter, store: JourneyStore,
                     options: Importer.Options, logger: Logger) async {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batches = RecordBatches(path: path, format: format, mapping: .standard, batchSize: options.batchSize, prepareWithJunk: options.junk,
                                    phoneCountry: options.phoneCountry)
        let origin = "upload \(id) \(file)"
        // The upload gets its own row of sources, as a file of `wayfinder import` does.
        let source: Int64
        do {
            source = try await store.openSource(path: "upload \(file)", format: format.rawValue)
        } catch {
            batches.cancel()
            update(id) {
                $0.status = "failed"
                $0.error = "the store could not record the upload; try again"
                $0.finished = Date()
            }
            return
        }
        while true {
            let item = await withCheckedContinuation { continuation in
                DispatchQueue.global(qos: .utility).async { continuation.resume(returning: batches.next()) }
            }
            switch item {
            case .batch(let records, let bytesRead, _, _):
                do {
                    let counts = try await writer.write(RecordGroup(origin: origin, records: records), source: source)
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
                    update(id) {
                        $0.status = "failed"
                        $0.error = "the store could not take the events; what was stored before stays, and uploading the file again completes it (duplicates are skipped)"
                        $0.finished = Date()
                    }
                    return
                }
            case .end:
                try? await store.finishSource(source)
                update(id) {
                    $0.status = "done"
                    $0.bytesRead = $0.bytes
                    $0.finished = Date()
                }
                return
            case .failure(let failure):
                update(id) {
                    $0.status = "failed"
                    $0.error = "\(failure.description); what was stored before stays, and uploading the file again completes it"
                    $0.finished = Date()
                }
                return
            }
        }
    }
}
