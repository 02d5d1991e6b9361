import CustomerData
import Foundation

/// The file reader of `wayfinder import` from bytes to events and quarantined records.
public enum RecordReading {
    /// What one file gave.
    public struct Outcome {
        /// Records read as events.
        public var events = 0
        /// Records quarantined with their problem.
        public var quarantined = 0
        /// Every record, in order.
        public var records: [InputRecord] = []
        /// Why the whole file was refused, if it was.
        public var failure: ByteSource.Failure?
    }

    /// Reads every record of `bytes` as `format`, handing the bytes out in chunks of varying
    /// sizes (as a pipe may), and prepares each event as the importer does before storing it.
    public static func read(_ bytes: [UInt8], format: RecordReader.Format, mapping: CSVMapping = .standard) -> Outcome {
        var outcome = Outcome()
        var offset = 0
        // The chunk sizes follow from the input, so a crash replays the same way.
        var step = bytes.count % 61 + 1
        do throws(ByteSource.Failure) {
            let source = try ByteSource(size: Int64(bytes.count)) { count in
                let end = min(bytes.count, offset + min(count, step))
                defer { offset = end; step = step % 61 + 7 }
                return Data(bytes[offset..<end])
            }
            let reader = try RecordReader(source: source, format: format, mapping: mapping)
            while var record = try reader.next() {
                switch record.result {
                case .success: outcome.events += 1
                case .failure(let problem):
                    outcome.quarantined += 1
                    fuzzCheck(!problem.message.isEmpty, "a quarantined record without a reason at \(record.location)")
                }
                record.prepare(junk: [], phoneCountry: nil)
                outcome.records.append(record)
            }
        } catch {
            fuzzCheck(!error.description.isEmpty, "a refused file without a reason")
            outcome.failure = error
        }
        fuzzCheck(outcome.events + outcome.quarantined == outcome.records.count, "records counted differ from events and quarantined")
        return outcome
    }

    /// Whether `bytes` start as gzip data does (the reader inflates those first).
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }
}
