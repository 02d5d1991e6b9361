import Foundation
import Testing
import WayfinderTesting

/// Output read by a command that stops early (`| head -1`), as people page through results.
@Suite("Output to a reader that has gone")
struct ClosedPipeTests {
    @Test("a command whose reader stops early ends quietly with SIGPIPE's status, never a crash", arguments: [
        "customers --db s.db --limit 500",
        "analyze funnel --workspace maps --db s.db --format csv",
        "render maps --format svg",
    ])
    func headOfOutput(_ command: String) async throws {
        let directory = try TemporaryDirectory()
        let wayfinder = try WayfinderProcess.executableURL().path
        let prepare = "\(wayfinder) init --template saas maps && \(wayfinder) generate -s saas -c 60 -o data && \(wayfinder) import data/events.csv --db s.db"
        // The reader is gone before the first line is written (`true` reads nothing).
        let script = "set -e; \(prepare) >/dev/null 2>&1; set +e; \(wayfinder) \(command) 2>err.txt | true; echo \"status ${PIPESTATUS[0]}\""
        let text = try await Shell.run(script, in: directory.path)
        let errors = directory.read("err.txt") ?? ""
        #expect(!errors.contains("crashed") && !errors.contains("Fatal error"), "\(errors.prefix(400))")
        #expect(text.contains("status 141"), "\(text)")
    }
}
