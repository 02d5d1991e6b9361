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
        guard limit > 0, let handle = FileHandle(forReadingAtPath: quarantinePath) else { return ([], 0) }
        defer { try? handle.close() }
        var kept: [QuarantinedRecord] = [], total = 0
        var pending: [UInt8] = []
        func take(_ line: ArraySlice<UInt8>) {
            guard !line.isEmpty, let value = try? JSONParser.parse(String(decoding: line, as: UTF8.self)) else { return }
            guard file == nil || value["file"]?.text == file else { return }
            total += 1
            var lineNumber = 0
            if case .number(let number)? = value["line"], number.isFinite, number >= 0, number < 1e15 { lineNumber = Int(number) }
            kept.append(QuarantinedRecord(file: value["file"]?.text ?? "", line: lineNumber, location: value["location"]?.text ?? "",
                                          field: value["field"]?.text ?? "", reason: value["reason"]?.text ?? "",
                                          quarantinedAt: value["quarantined_at"]?.text ?? ""))
            if kept.count > limit { kept.removeFirst(kept.count - limit) }
        }
        while true {
            let block = try handle.read(upToCount: 1 << 20) ?? Data()
            if block.isEmpty { break }
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                take(pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        take(pending[...])
        return (kept, total)
    }
}
