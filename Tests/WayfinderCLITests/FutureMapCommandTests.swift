import Foundation
import Testing
import WayfinderTesting

/// Future-state maps from the command line: not measured until live, measured from `live_from`,
/// or against all the data with `--measure-future`.
@Suite("Future-state maps")
struct FutureMapCommandTests {
    static let future = ["--journey", "first-purchase-future"]
    static let file = "ws/journeys/first-purchase-future.yaml"

    @Test("a future map that is not live: analyze refuses it and says what to do, report writes the designed map without measured numbers, --measure-future measures it")
    func notLive() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await AnalyzeCommandTests.prepare(directory)
            let refused = try await wayfinder(["analyze", "funnel"] + common + Self.future, in: directory)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("not live yet") && refused.stderr.contains("live_from") && refused.stderr.contains("--measure-future"), "\(refused)")
            let measured = try await wayfinder(["analyze", "personas"] + common + Self.future + ["--measure-future", "--format", "json"], in: directory)
            #expect(measured.status == 0, "\(measured)")
            #expect(((try jsonObject(measured.stdout)["personas"] as? [String: Any])?["with_events"] as? Int ?? 0) > 0)

            let report = try await wayfinder(["report"] + common + Self.future + ["--out", "future.html"], in: directory)
            #expect(report.status == 0, "\(report)")
            #expect(report.stdout.contains("Not live yet"), "\(report)")
            #expect(report.stdout.contains("--measure-future"), "the command says how to measure it anyway: \(report)")
            let page = try #require(directory.read("future.html"))
            #expect(page.contains("Not live yet") && page.contains("<svg"), "the designed map is drawn with the note")
            for measuredOnly in ["<h2>Funnel</h2>", "<h2>Friction</h2>", "% reach the goal", #"feels -?[0-9.]+ \(n="#, "customers ·"] {
                #expect(page.range(of: measuredOnly, options: .regularExpression) == nil, "a map that is not live shows no measured '\(measuredOnly)'")
            }
        }
    }

    @Test("live_from: validate accepts a day and points at one that does not exist; the map counts only events from that day, as --from that day with --measure-future does")
    func liveFrom() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await AnalyzeCommandTests.prepare(directory)
            let original = try #require(directory.read(Self.file))
            let live = original.replacingOccurrences(of: "\nimproves: first-purchase\n", with: "\nimproves: first-purchase\nlive_from: 2026-02-01\n")
            #expect(live != original)
            try directory.write(live, to: Self.file)
            let valid = try await wayfinder("validate", "ws", in: directory)
            #expect(valid.status == 0, "\(valid)")

            let fromLive = try await wayfinder(["analyze", "personas"] + common + Self.future + ["--format", "json"], in: directory)
            #expect(fromLive.status == 0, "\(fromLive)")
            let ranged = try await wayfinder(["analyze", "personas"] + common + Self.future + ["--measure-future", "--from", "2026-02-01", "--format", "json"], in: directory)
            let all = try await wayfinder(["analyze", "personas"] + common + Self.future + ["--measure-future", "--format", "json"], in: directory)
            let liveJSON = try jsonObject(fromLive.stdout), rangedJSON = try jsonObject(ranged.stdout), allJSON = try jsonObject(all.stdout)
            #expect((liveJSON["personas"] as? NSDictionary) == (rangedJSON["personas"] as? NSDictionary))
            #expect((liveJSON["personas"] as? NSDictionary) != (allJSON["personas"] as? NSDictionary))
            let liveEvents = try #require((liveJSON["index"] as? [String: Any])?["events"] as? Int)
            let allEvents = try #require((allJSON["index"] as? [String: Any])?["events"] as? Int)
            #expect(liveEvents > 0 && liveEvents < allEvents, "events before live_from are not read")
            let report = try await wayfinder(["report"] + common + Self.future + ["--out", "live.html"], in: directory)
            #expect(report.stdout.contains("Measured from 2026-02-01"), "\(report)")

            let impossible = live.replacingOccurrences(of: "live_from: 2026-02-01", with: "live_from: 2026-02-30")
            try directory.write(impossible, to: Self.file)
            let line = try #require(impossible.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("live_from:") }) + 1
            let invalid = try await wayfinder("validate", "ws", in: directory)
            #expect(invalid.status == 1, "\(invalid)")
            #expect((invalid.stdout + invalid.stderr).contains("first-purchase-future.yaml:\(line):12: error: '2026-02-30' is not a date"), "\(invalid)")
        }
    }
}
