import CustomerData
import Foundation
import Testing
import WayfinderTesting

/// A bad message of a Segment batch, and what its quarantine reason must say.
struct BadMessage: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var reason: String

    var testDescription: String { name }

    static func text(_ name: String, _ text: String, _ reason: String) -> BadMessage { BadMessage(name: name, bytes: Array(text.utf8), reason: reason) }
}

/// A file that cannot be read at all, and what the failure must say.
struct BadFile: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var says: [String]

    var testDescription: String { name }
}

@Suite("Input robustness")
struct InputRobustnessTests {
    static func message(_ id: Int) -> String {
        #"{"type": "track", "event": "Viewed", "anonymousId": "a\#(id)", "messageId": "m\#(id)", "timestamp": "2026-01-05T10:00:00Z"}"#
    }

    static func records(_ path: String, format: RecordReader.Format? = nil) throws -> [InputRecord] {
        let reader = try RecordReader(path: path, format: format)
        var records: [InputRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    static let badMessages: [BadMessage] = [
        .text("nested 100 levels", #"{"type": "track", "event": "X", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z", "properties": {"deep": \#(String(repeating: "[", count: 100))\#(String(repeating: "]", count: 100))}}"#, "nested more than 64 levels"),
        .text("nested a million levels", String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000), "nested more than 64 levels"),
        .text("a number beyond a Double", #"{"type": "track", "event": "X", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": 1e309}}"#, "1e309 is out of range"),
        .text("a negative number beyond a Double", #"{"type": "track", "event": "X", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": -1e309}}"#, "out of range"),
        .text("a lone surrogate", #"{"type": "track", "event": "\ud800", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z"}"#, "surrogate"),
        .text("a broken literal", #"{"type": "track", "event": "X", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z", "properties": {"ok": tru}}"#, "invalid literal"),
        .text("a missing comma", #"{"type": "track" "event": "X"}"#, "expected ',' or '}'"),
        .text("not an object", "42", "must be a JSON object"),
        .text("nothing", "", "a value was expected"),
        BadMessage(name: "invalid UTF-8", bytes: Array(#"{"type": "track", "event": ""#.utf8) + [0xC3, 0x28] + Array(#"", "anonymousId": "b", "timestamp": "2026-01-05T10:00:00Z"}"#.utf8), reason: "UTF-8"),
    ]

    @Test("one bad message of a Segment batch is quarantined alone, at its position with what is wrong; the others are read",
          arguments: badMessages, [true, false])
    func badMessage(_ bad: BadMessage, enveloped: Bool) throws {
        let directory = try TemporaryDirectory()
        let list = Array("[\n  \(Self.message(0)),\n  ".utf8) + bad.bytes + Array(",\n  \(Self.message(2))\n]".utf8)
        let bytes = enveloped ? Array(#"{"sentAt": "2026-01-05T10:00:00Z", "batch": "#.utf8) + list + Array(#", "context": {"library": {"name": "x"}}}"#.utf8) : list
        let records = try Self.records(try directory.write(bytes, to: "batch.json"))
        try #require(records.count == 3, "\(records.map(\.location))")
        #expect(records.map(\.location) == ["batch[0]", "batch[1]", "batch[2]"])
        #expect(records.map(\.line) == [1, 2, 3])
        for good in [records[0], records[2]] {
            #expect(throws: Never.self) { try good.result.get() }
        }
        guard case .failure(let problem) = records[1].result else {
            Issue.record("the bad message was read as an event")
            return
        }
        #expect(problem.description.contains(bad.reason), "\(problem)")
        #expect(!records[1].text.isEmpty || bad.bytes.isEmpty)
    }

    @Test("a message's JSON error names its line and column in the file")
    func position() throws {
        let directory = try TemporaryDirectory()
        let text = "{\"batch\": [\n\(Self.message(0)),\n{\"type\": \"track\",\n \"n\": 1e999}\n]}"
        let records = try Self.records(try directory.write(text, to: "batch.json"))
        try #require(records.count == 2)
        guard case .failure(let problem) = records[1].result else { Issue.record("read as an event"); return }
        #expect(problem.message == "invalid JSON at line 4, column 7: the number 1e999 is out of range", "\(problem)")
    }

    static let unreadableBatches: [BadFile] = [
        BadFile(name: "a string never closed", bytes: Array(#"{"batch": [{"type": "track}]}"#.utf8), says: ["invalid JSON at line 1", "never closed"]),
        BadFile(name: "a bracket closed by a brace", bytes: Array("{\"batch\": [\n{\"a\": [1}]}".utf8), says: ["invalid JSON at line 2", "'}' closes a '['"]),
        BadFile(name: "no batch", bytes: Array(#"{"messages": []}"#.utf8), says: ["a Segment batch file must be"]),
        BadFile(name: "batch is no list", bytes: Array(#"{"batch": {"type": "track"}}"#.utf8), says: ["'batch' must be a list"]),
        BadFile(name: "text after the batch", bytes: Array(#"[] []"#.utf8), says: ["unexpected text after the batch"]),
        BadFile(name: "binary", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01], says: ["a Segment batch file must be"]),
    ]

    @Test("a file that is no batch at all is one problem for the whole file", arguments: unreadableBatches)
    func unreadableBatch(_ file: BadFile) throws {
        let directory = try TemporaryDirectory()
        let records = try Self.records(try directory.write(file.bytes, to: "batch.json"))
        try #require(records.count == 1)
        #expect(records[0].location == "the whole file")
        guard case .failure(let problem) = records[0].result else { Issue.record("read as an event"); return }
        for part in file.says { #expect(problem.description.contains(part), "\(problem)") }
    }

    static let rows = "2026-01-05T10:00:00Z,Viewed,a1\n2026-01-05T11:00:00Z,Bought,a1\n"

    static let badHeaders: [BadFile] = [
        BadFile(name: "invalid UTF-8 in a column name", bytes: Array("timestamp,".utf8) + [0xC3, 0x28] + Array("vent,anonymousId\n\(rows)".utf8),
                says: ["line 1 (the header), column 2:", "not valid UTF-8"]),
        BadFile(name: "a quoted name with invalid UTF-8", bytes: Array("timestamp,\"e,v\",\"".utf8) + [0xFF] + Array("\"\n\(rows)".utf8),
                says: ["line 1 (the header), column 3:", "not valid UTF-8"]),
        BadFile(name: "binary", bytes: [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0A, 0x00, 0xFF, 0x0A], says: ["line 1 (the header), column 1:", "NUL byte", "CSV file was expected"]),
        BadFile(name: "no timestamp column", bytes: Array("name,age\nMaya,34\nSam,40\n".utf8), says: ["line 1 (the header):", "no column holds the timestamp", "'name', 'age'"]),
        BadFile(name: "an open quote", bytes: Array("timestamp,\"event,anonymousId\n\(rows)".utf8), says: ["line 1 (the header):", "never closed"]),
        BadFile(name: "a stray quote", bytes: Array("timestamp,ev\"ent,anonymousId\n\(rows)".utf8), says: ["line 1 (the header):", "unquoted field 2"]),
    ]

    @Test("a CSV header that cannot be used stops the file when it opens, naming line 1, the column and what was expected; no record is read",
          arguments: badHeaders)
    func badHeader(_ file: BadFile) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(file.bytes, to: "events.csv")
        let failure = try #require(throws: ByteSource.Failure.self) { _ = try RecordReader(path: path) }
        for part in file.says { #expect(failure.description.contains(part), "\(failure)") }
    }

    @Test("the header is no record: records are the rows, blank lines left out; a byte order mark is not part of the first name")
    func headerIsNoRecord() throws {
        let directory = try TemporaryDirectory()
        for (name, header) in [("plain.csv", "timestamp,event,anonymousId\n"), ("bom.csv", "\u{FEFF}timestamp,event,anonymousId\n")] {
            let records = try Self.records(try directory.write(header + "\n" + Self.rows + "\n", to: name))
            #expect(records.map(\.line) == [3, 4], "\(name)")
            #expect(records.allSatisfy { (try? $0.result.get()) != nil }, "\(name)")
        }
    }

    @Test("a read error is thrown, never taken for the end of the file: records read before it come out, then the error")
    func readErrorMidFile() throws {
        // Three whole lines, then part of a fourth when the error comes.
        let lines = (0..<3).map(Self.message).joined(separator: "\n") + "\n" + #"{"type": "tra"#
        for chunked in [1, 7, 4096] {
            var sent = Array(lines.utf8)[...]
            let source = try ByteSource(size: Int64(sent.count * 2)) { count in
                if sent.isEmpty { throw NSError(domain: NSCocoaErrorDomain, code: 256, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EIO))]) }
                let chunk = sent.prefix(min(count, chunked))
                sent = sent.dropFirst(chunk.count)
                return Data(chunk)
            }
            let reader = try RecordReader(source: source, format: .ndjson)
            var read = 0
            let failure = try #require(throws: ByteSource.Failure.self, "chunks of \(chunked)") {
                while try reader.next() != nil { read += 1 }
            }
            #expect(read == 3, "chunks of \(chunked)")
            #expect(failure.description.contains("Input/output error"), "\(failure)")
        }
    }

    #if os(Linux)
    @Test("a file whose first read fails is an error, not an empty file", arguments: RecordReader.Format.allCases)
    func readErrorAtStart(_ format: RecordReader.Format) throws {
        // The process's own memory: the kernel answers reading its unmapped first page with EIO.
        let failure = try #require(throws: ByteSource.Failure.self) { _ = try Self.records("/proc/self/mem", format: format) }
        #expect(failure.description.contains("Input/output error"), "\(failure)")
    }
    #endif

    @Test("a pipe reads whole, gzip or not: nothing is lost to recognising gzip", arguments: [false, true])
    func pipe(_ gzip: Bool) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("events.fifo")
        try #require(mkfifo(path, 0o600) == 0)
        let text = "timestamp,event,anonymousId\n" + Self.rows
        let bytes = gzip ? TestCompression.compress(Array(text.utf8)) : Array(text.utf8)
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            for byte in bytes { handle.write(Data([byte])) }
            do { try handle.close() } catch { Issue.record("closing the pipe: \(error)") }
        }
        writer.start()
        let records = try Self.records(path, format: .csv)
        #expect(records.count == 2)
        #expect(records.allSatisfy { (try? $0.result.get()) != nil }, "\(records.map(\.result))")
    }
}
