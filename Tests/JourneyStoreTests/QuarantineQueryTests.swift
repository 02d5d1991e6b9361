import Foundation
@testable import JourneyStore
import Testing

/// The records set aside, read back for the upload page: the last ones of a file with their
/// reasons and the total, never their text.
@Suite("Quarantine queries")
struct QuarantineQueryTests {
    @Test("the last records of one file, oldest first, with the total; a broken line and other files are skipped")
    func lastOfFile() async throws {
        let fixture = try await WorkspaceFixture.shop()
        let data = try await fixture.store.workspaceData("shop")
        var text = ""
        for line in 1...2_500 {
            let file = line % 5 == 0 ? "other.csv" : "upload u1 events.ndjson"
            text += #"{"file":"\#(file)","line":\#(line),"location":"line \#(line)","field":"timestamp","reason":"not a time: \#(line)","text":"secret \#(line)","quarantined_at":"2026-12-05T10:00:00Z"}"# + "\n"
            if line == 1_000 { text += "{ broken\n" }
        }
        try text.write(toFile: data.quarantinePath, atomically: true, encoding: .utf8)
        let (records, total) = try data.quarantinedRecords(file: "upload u1 events.ndjson", limit: 100)
        #expect(total == 2_000)
        let expected = (1...2_500).filter { $0 % 5 != 0 }.suffix(100)
        #expect(records.map(\.line) == Array(expected))
        #expect(records.allSatisfy { $0.reason == "not a time: \($0.line)" && $0.field == "timestamp" })
        let encoded = String(decoding: try JSONEncoder().encode(records), as: UTF8.self)
        #expect(!encoded.contains("secret"), "a record's text is never returned")
        #expect(try data.quarantinedRecords(file: nil, limit: 3).total == 2_500)
        #expect(try data.quarantinedRecords(file: "none", limit: 3).records.isEmpty)
        try FileManager.default.removeItem(atPath: data.quarantinePath)
        #expect(try data.quarantinedRecords(file: nil, limit: 3).total == 0)
    }
}
