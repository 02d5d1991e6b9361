import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder import of damaged files")
struct ImportInputCommandTests {
    @Test("a CSV header that cannot be used fails the import naming the file, line 1, the column and what was expected; nothing of it is imported")
    func badHeader() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("timestamp,event,anonymousId\n2026-01-05T10:00:00Z,Viewed,a1\n", to: "good.csv")
        try directory.write(Array("timestamp,".utf8) + [0xC3, 0x28] + Array("vent,anonymousId\n2026-01-05T10:00:00Z,Viewed,a2\n".utf8), to: "bad.csv")
        let output = try await wayfinder("import", "good.csv", "bad.csv", "--db", "w.db", in: directory)
        #expect(output.status == 1, "\(output)")
        #expect(output.stderr.contains("bad.csv: line 1 (the header), column 2: is not valid UTF-8 text"), "\(output)")
        #expect(!output.stdout.contains("Imported"), "no summary claims success")
        let customers = try await wayfinder("customers", "--db", "w.db", "--format", "json", in: directory)
        #expect(try jsonObject(customers.stdout)["total"] as? Int == 1, "only good.csv was imported")
    }

    #if os(Linux)
    @Test("a read error fails the import naming the file and the error, never a summary of what was read before it")
    func readError() async throws {
        let directory = try TemporaryDirectory()
        let output = try await wayfinder("import", "/proc/self/mem", "--input-format", "ndjson", "--db", "w.db", in: directory)
        #expect(output.status == 1, "\(output)")
        #expect(output.stderr.contains("/proc/self/mem: the file could not be read (Input/output error)"), "\(output)")
        #expect(!output.stdout.contains("Imported"), "\(output)")
    }
    #endif

    @Test("a Segment batch with one message out of range imports the others and quarantines that one")
    func batch() async throws {
        let directory = try TemporaryDirectory()
        let messages = (0..<3).map { number in
            #"{"type": "track", "event": "Viewed", "anonymousId": "a\#(number)", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": \#(number == 1 ? "1e309" : "12")}}"#
        }
        try directory.write(#"{"batch": [\#(messages.joined(separator: ", "))]}"#, to: "batch.json")
        let output = try await wayfinder("import", "batch.json", "--db", "w.db", "--format", "json", in: directory)
        #expect(output.status == 3, "\(output)")
        let summary = try jsonObject(output.stdout)
        #expect(summary["imported"] as? Int == 2 && summary["quarantined"] as? Int == 1, "\(output)")
    }
}
