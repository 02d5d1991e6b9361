import Foundation
import Testing
import WayfinderTesting

/// `wayfinder schema --format security-matrix|security-limits` prints what docs/security.md
/// holds between its markers.
@Suite("wayfinder schema: the security matrix and limits")
struct SecuritySchemaCommandTests {
    @Test("schema prints the security matrix and limits that docs/security.md holds", arguments: ["security-matrix", "security-limits"])
    func printsTheDocument(_ format: String) async throws {
        let output = try await wayfinder("schema", "--format", format)
        #expect(output.status == 0, "\(output)")
        let document = try String(contentsOf: packageRoot.appendingPathComponent("docs/security.md"), encoding: .utf8)
        let begin = try #require(document.range(of: "<!-- \(format):begin -->\n"))
        let end = try #require(document.range(of: "<!-- \(format):end -->", range: begin.upperBound..<document.endIndex))
        #expect(output.stdout == String(document[begin.upperBound..<end.lowerBound]),
                "docs/security.md is out of date; paste the output of 'wayfinder schema --format \(format)' between its markers")
    }

    @Test("the matrix has a column per kind of caller and a row per route")
    func matrixShape() async throws {
        let output = try await wayfinder("schema", "--format", "security-matrix")
        let header = try #require(output.stdout.split(separator: "\n").first)
        #expect(header == "| route | needs | anonymous | share link | write key | read key | read-write key | viewer | editor | workspace admin | server admin |")
        let rows = output.stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.contains { $0.hasPrefix("| `POST /v1/track` | write key | — | — | ✓ | — | ✓ |") }, "\(rows.prefix(3))")
        #expect(rows.contains { $0.hasPrefix("| `DELETE /api/v1/workspaces/{workspace}` | workspace admin | — | — | — | — | — | — | — | ✓ | ✓ |") })
    }

    @Test("an unknown schema format is a usage error that names the formats")
    func unknownFormat() async throws {
        let output = try await wayfinder("schema", "--format", "matrix")
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("security-matrix"), "\(output)")
    }
}
