import CustomerData
import Foundation

extension WorkspaceData {
    /// A record an import or upload set aside, without its text (which may hold a customer's data).
    public struct QuarantinedRecord: Sendable, Equatable, Codable {
        public var file: String
        public var line: Int
        public var location: String
        public var field: String
        public var reason: String
        public var quarantinedAt: String

        /// A record set aside.
        public init(file: String, line: Int, location: String, field: String, reason: String, quarantinedAt: String) {
            self.file = file
            self.line = line
            self.location = location
            self.field = field
            self.reason = reason
            self.quarantinedAt = quarantinedAt
        }

        enum CodingKeys: String, CodingKey {
            case file, line, location, field, reason
            case quarantinedAt = "quarantined_at"
        }
    }

    /// The last `limit` records set aside from `file` (every file when nil), newest last, read
    /// from the workspace's quarantine file a block at a time; and how many there are in all.
    public func quarantinedRecords(file: String?, limit: Int) throws -> (records: [QuarantinedRecord], total: Int) {
        guard limit > 0 else { return ([], 0) }
        var kept: [QuarantinedRecord] = [], total = 0
        try Self.readQuarantine(at: quarantinePath) { record, _ in
            guard file == nil || record.file == file else { return }
            total += 1
            kept.append(record)
            // Trimmed now and then rather than at every record, so a long file costs its length only.
            if kept.count >= 2 * limit { kept.removeFirst(kept.count - limit) }
        }
        return (Array(kept.suffix(limit)), total)
    }

    /// Calls `body` with every record of the quarantine file at `path` (none when there is no
    /// file) and the record's original text, in order, reading a block of the file at a time. A
    /// line that is not a record the store wrote is skipped.
    public static func readQuarantine(at path: String, _ body: (QuarantinedRecord, _ text: String) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        func take(_ line: ArraySlice<UInt8>) throws {
            guard !line.isEmpty, let value = try? JSONParser.parse(String(decoding: line, as: UTF8.self)) else { return }
            var lineNumber = 0
            if case .number(let number)? = value["line"], number.isFinite, number >= 0, number < 1e15 { lineNumber = Int(number) }
            try body(QuarantinedRecord(file: value["file"]?.text ?? "", line: lineNumber, location: value["location"]?.text ?? "",
                                       field: value["field"]?.text ?? "", reason: value["reason"]?.text ?? "",
                                       quarantinedAt: value["quarantined_at"]?.text ?? ""),
                     value["text"]?.text ?? "")
        }
        while true {
            let block = try handle.read(upToCount: 1 << 20) ?? Data()
            if block.isEmpty { break }
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        try take(pending[...])
    }
}
