import JourneyAnalytics
import JourneyModel
import Testing
import WayfinderTesting

/// What a backend that classifies events sends for property filters and breakdowns, evaluated as
/// the engine's own scan evaluates them.
@Suite("Property values from a backend")
struct PropertyValuesTests {
    static func workspace() throws -> (Workspace, JourneyMap) {
        let decoded = WorkspaceCodec.decode(TinyJourney.yaml, file: "tiny.yaml")
        let workspace = try #require(decoded.workspace)
        return (workspace, try #require(workspace.journey("tiny")))
    }

    @Test("events whose parts would run together if joined are told apart (a name holding a NUL, an empty channel)")
    func partsKeptApart() throws {
        let (_, journey) = try Self.workspace()
        let request = IndexRequest(queries: [AnalysisQuery(kind: .funnel, journey: "tiny",
                                                           filters: Filters(properties: [FieldFilter(path: "event", values: ["a\u{0}b"])]))])
        var values = try #require(PropertyValues(journey: journey, request: request))
        #expect(values.readsColumns)
        let first = values.evaluate(type: Array("track".utf8), name: Array("a\u{0}b".utf8), channel: [], texts: values.messagePaths.map { _ in nil })
        let second = values.evaluate(type: Array("track".utf8), name: Array("a".utf8), channel: Array("b\u{0}".utf8), texts: values.messagePaths.map { _ in nil })
        #expect(first.flags == 1 && second.flags == 0)
    }

    @Test("values at a path: numbers, strings, null and objects give the engine's texts")
    func texts() throws {
        let (_, journey) = try Self.workspace()
        let request = IndexRequest(queries: [AnalysisQuery(kind: .funnel, journey: "tiny", breakdown: Breakdown(kind: .property, path: "plan"))])
        var values = try #require(PropertyValues(journey: journey, request: request))
        #expect(values.messagePaths == [["properties", "plan"]])
        for (text, expected) in [("\"pro\"", "pro"), ("12", "12"), ("12.5", "12.5"), ("true", "true"), ("null", nil), ("{}", nil)] as [(String, String?)] {
            let answer = values.evaluate(type: Array("track".utf8), name: Array("A1".utf8), channel: [], texts: [Array(text.utf8)])
            #expect(answer.values == [expected], "\(text)")
        }
    }
}
