import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import NIOCore
import Testing
@testable import WayfinderServer
import WayfinderTesting

/// The role × route matrix of docs/security.md: generated from the access each route declares,
/// held against the document, and against the server: every route called in memory with every
/// kind of credential is let through or refused exactly as its cell says.
@Suite("Security matrix")
struct SecurityMatrixTests {
    /// The text of docs/security.md between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
    static func section(_ name: String) throws -> String {
        let text = try String(contentsOf: WayfinderProcess.packageRoot().appendingPathComponent("docs/security.md"), encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- \(name):begin -->\n"), "docs/security.md lacks <!-- \(name):begin -->")
        let end = try #require(text.range(of: "<!-- \(name):end -->", range: begin.upperBound..<text.endIndex), "docs/security.md lacks <!-- \(name):end -->")
        return String(text[begin.upperBound..<end.lowerBound])
    }

    @Test("docs/security.md holds the matrix and the limits the code generates")
    func documentIsCurrent() throws {
        #expect(try Self.section("security-matrix") == SecurityMatrix.markdown(),
                "docs/security.md is out of date; paste the output of 'wayfinder schema --format security-matrix' between its markers")
        #expect(try Self.section("security-limits") == SecurityLimits.markdown(),
                "docs/security.md is out of date; paste the output of 'wayfinder schema --format security-limits' between its markers")
    }

    @Test("every route of the router is one row of the matrix, and every row is a route")
    func everyRouteDeclared() async throws {
        let harness = try await ServerHarness()
        let routed = Set(harness.server.registeredRoutes().map { "\($0.method) \($0.path)" })
        let rows = SecurityMatrix.rows.map { "\($0.method) \($0.path)" }
        #expect(rows.count == Set(rows).count, "a route declared twice")
        #expect(routed.subtracting(rows).sorted() == [], "routes without a declared access")
        #expect(Set(rows).subtracting(routed).sorted() == [], "rows of routes the router does not have")
    }

    @Test("the server lets each kind of caller through, or refuses it, as the matrix says", arguments: SecurityMatrix.Column.allCases)
    func serverAgrees(_ column: SecurityMatrix.Column) async throws {
        let fixture = try await MatrixFixture()
        let routes = fixture.harness.server.registeredRoutes()
        let rows = SecurityMatrix.rows
        try await fixture.harness.test { client in
            let caller = try await fixture.caller(column, client)
            var checked = 0
            for route in routes.sorted(by: { MatrixFixture.order($0) < MatrixFixture.order($1) }) {
                let row = try #require(rows.first { $0.method == route.method && $0.path == route.path }, "\(route.method) \(route.path) is not in the matrix")
                let cell = SecurityMatrix.cell(row.access, column)
                for attempt in fixture.attempts(row, column, caller) {
                    let answer = try await client.send(attempt)
                    let label = "\(attempt.method) \(attempt.path) as \(column.rawValue)\(attempt.note)"
                    #expect(answer.status < 500, "\(label): \(answer)")
                    if attempt.allowed ?? cell.allows {
                        #expect(!MatrixFixture.refused(answer, row), "\(label) is refused, but the matrix lets it through (\(cell.rawValue)): \(answer)")
                    } else {
                        #expect(MatrixFixture.refused(answer, row), "\(label) is let through, but the matrix refuses it: \(answer)")
                    }
                    checked += 1
                }
            }
            #expect(checked >= routes.count)
        }
    }
}

/// One request of the matrix test, and whether it must get through (nil: as the cell says).
struct MatrixAttempt: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var headers: HTTPFields
    var body: String?
    var allowed: Bool?
    var note = ""
}

extension TestClientProtocol {
    func send(_ attempt: MatrixAttempt) async throws -> Answer {
        Answer(try await executeRequest(uri: attempt.path, method: attempt.method, headers: attempt.headers, body: attempt.body.map { ByteBuffer(string: $0) }))
    }
}
