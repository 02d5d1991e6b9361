import Dispatch
import Foundation
import Synchronization

/// Reads a file on a background thread and hands over batches of records, so parsing one
/// batch overlaps with storing the previous one; at most `capacity` batches wait in memory.
public final class RecordBatches: Sendable {
    /// One hand-over.
    public enum Item: Sendable {
        /// Records, with the file's bytes read so far and its size.
        case batch([InputRecord], bytesRead: Int64, size: Int64, format: RecordReader.Format)
        /// The file is done.
        case end(format: RecordReader.Format)
        /// Reading failed; records handed over before stay valid.
        case failure(ByteSource.Failure)
    }

    private let buffer = Mutex<[Item]>([])
    private let free: DispatchSemaphore
    private let filled = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)
    private let used = Mutex<[[InputRecord]]>([])

    /// Starts reading `path` in batches of `batchSize` records.
    /// With `junk`, each event is also prepared for storing (``PreparedEvent``) on the reading thread.
    public init(path: String, format: RecordReader.Format?, mapping: CSVMapping, batchSize: Int, capacity: Int = 2, prepareWithJunk junk: Set<String>? = nil,
                phoneCountry: String? = nil) {
        free = DispatchSemaphore(value: capacity)
        let thread = Thread { [self] in
            do {
                let reader = try RecordReader(path: path, format: format, mapping: mapping)
                var records: [InputRecord] = []
                records.reserveCapacity(batchSize)
                while var record = try reader.next() {
                    if records.isEmpty {
                        // Batches the consumer is done with are released here, on the reading thread.
                        let done = used.withLock { batches in
                            defer { batches.removeAll() }
                            return batches
                        }
                        _ = consume done
                    }
                    if let junk { record.prepare(junk: junk, phoneCountry: phoneCountry) }
                    records.append(record)
                    if records.count >= batchSize {
                        guard send(.batch(records, bytesRead: reader.bytesRead, size: reader.size, format: reader.format)) else { return }
                        records.removeAll(keepingCapacity: true)
                    }
                }
                if !records.isEmpty {
                    guard send(.batch(records, bytesRead: reader.bytesRead, size: reader.size, format: reader.format)) else { return }
                }
                _ = send(.end(format: reader.format))
            } catch let failure as ByteSource.Failure {
                _ = send(.failure(failure))
            } catch {
                _ = send(.failure(ByteSource.Failure(description: "\(path): the file could not be read")))
            }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func send(_ item: Item) -> Bool {
        free.wait()
        if cancelled.load(ordering: .acquiring) { return false }
        buffer.withLock { $0.append(item) }
        filled.signal()
        return true
    }

    /// The next item, waiting for the reader when needed.
    public func next() -> Item {
        filled.wait()
        let item = buffer.withLock { $0.removeFirst() }
        free.signal()
        return item
    }

    /// Hands back a batch the consumer is done with, so that its memory is released on the
    /// reading thread rather than the consumer's.
    public func recycle(_ records: consuming [InputRecord]) {
        let records = records
        used.withLock { $0.append(records) }
    }

    /// Stops the reader (after a failure downstream).
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
        free.signal()
    }
}
