import Foundation
import Testing
import WayfinderTesting

/// A command line with one number out of range.
struct OutOfRange: CustomTestStringConvertible, Sendable {
    var command: [String]
    var flag: String
    var value: String

    var testDescription: String { (command + ["\(flag)=\(value)"]).joined(separator: " ") }
}

@Suite("Option ranges on the command line")
struct OptionRangeCommandTests {
    /// Text no numeric option accepts.
    static let hostile = ["nan", "inf", "-inf", "1e308", "-1e308", "1e309", "9223372036854775808"]

    static let cases: [OutOfRange] = {
        let flags: [([String], String, justOut: [String])] = [
            (["analyze", "funnel"], "--window-days", ["0", "-0", "3650.5"]),
            (["analyze", "paths"], "--gap-days", ["0", "-0", "3651"]),
            (["analyze", "friction"], "--repeat-contact-days", ["-0.5", "3651"]),
            (["analyze", "friction"], "--slow-factor", ["0", "-0", "100.5"]),
            (["analyze", "paths"], "--top", ["-1", "10001"]),
            (["analyze", "paths"], "--sankey-steps", ["0", "-0", "21"]),
            (["analyze", "friction"], "--minimum-customers", ["-1", "1000000001"]),
            (["analyze", "conformance"], "--examples", ["-1", "1001"]),
            (["report"], "--window-days", ["0", "3651"]),
        ]
        return flags.flatMap { command, flag, justOut in (hostile + justOut).map { OutOfRange(command: command, flag: flag, value: $0) } }
    }()

    @Test("a number out of an option's range is a usage error (exit 2) naming the option, never a crash", arguments: cases)
    func refused(_ option: OutOfRange) async throws {
        let output = try await wayfinder(option.command + ["--workspace", "nowhere", "\(option.flag)=\(option.value)"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains(option.flag), "\(output)")
    }

    @Test("a query file with a number out of range is a usage error naming the option", arguments: ["1e308", "1e309", "-1e309", "9223372036854775808", "-0"])
    func queryFile(_ literal: String) async throws {
        try await withTemporaryDirectory { directory in
            let workspace = try await initWorkspace(in: directory)
            try directory.write(#"{"kind": "funnel", "journey": "first-purchase", "options": {"window_days": \#(literal)}}"#, to: "query.json")
            let output = try await wayfinder(["analyze", "funnel", "--workspace", workspace, "--db", "store.db", "--query", "query.json"], in: directory)
            #expect(output.status == 2, "\(output)")
            #expect(output.stderr.contains("options.window_days must be more than 0 and at most 3650"), "\(output)")
        }
    }

    @Test("a stage-stay rule's days out of range are a usage error", arguments: hostile + ["0", "-0", "3650.5", "-7"])
    func alertDays(_ value: String) async throws {
        let output = try await wayfinder("alerts", "add", "--db", "nowhere.db", "--workspace", "shop", "--map", "m", "--kind", "stage-stay",
                                         "--url", "https://hooks.example.com/h", "--days=\(value)")
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("--days") && output.stderr.contains("at most 3650"), "\(output)")
    }
}
