import CustomerData
import Foundation

/// Appends quarantined records to an NDJSON file next to the database.
final class QuarantineWriter {
    let path: String

    init(path: String) {
        self.path = path
    }

    func write(_ records: [InputRecord], file: String) throws {
        var text = ""
        let now = Timestamp.iso8601(Int64(Date().timeIntervalSince1970 * 1000))
        for record in records {
            guard case .failure(let problem) = record.result else { continue }
            let entry = JSONValue.object([
                ("file", .string(file)), ("line", .number(Double(record.line))), ("location", .string(record.location)),
                ("field", .string(problem.field)), ("reason", .string(problem.message)), ("text", .string(record.text)),
                ("quarantined_at", .string(now)),
            ])
            text += entry.json + "\n"
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw JourneyStore.Failure(description: "\(path): cannot write the quarantine file")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }
}
