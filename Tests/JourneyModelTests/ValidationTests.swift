import Foundation
import JourneyModel
import Testing

/// One broken workspace and the diagnostic it must produce.
struct BrokenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var code: String
    /// Where the diagnostic must point: the last occurrence of this text in the file, or an explicit position.
    var at: Position
    var severity: Diagnostic.Severity = .error
    var message: String
    var suggestion: String? = nil
    var file = "broken.yaml"

    var testDescription: String { name }

    enum Position: Sendable {
        /// The last occurrence of a token.
        case token(String)
        /// The value after the last `key: `.
        case value(String)
        /// An explicit line and column (for positions the YAML parser chooses).
        case explicit(Int, Int)
        /// The whole file.
        case file
    }

    /// The expected line and column, found independently of the reader by searching the text.
    var expected: (line: Int, column: Int) {
        switch at {
        case .file: return (0, 0)
        case .explicit(let line, let column): return (line, column)
        case .value(let key):
            let found = BrokenCase(name: name, yaml: yaml, code: code, at: .token("\(key): "), message: message).expected
            return (found.line, found.column + key.count + 2)
        case .token(let token):
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (index, line) in lines.enumerated().reversed() {
                if let range = line.range(of: token, options: .backwards) {
                    return (index + 1, line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound.samePosition(in: line.unicodeScalars)!) + 1)
                }
            }
            return (-1, -1)
        }
    }
}

/// A valid map with two touchpoints to break in small ways.
func workspace(touchpoints: String = "", journey: String = "", personas: String = "") -> String {
    """
    version: 1
    personas:
      - id: maya
        name: Maya
    \(personas)
    journeys:
      - id: first-purchase
        title: First purchase
        personas: [maya]
        goal: order
    \(journey)
        stages:
          - { id: awareness, name: Awareness }
          - { id: decision, name: Decision }
        touchpoints:
          - id: ad
            name: Sees an ad
            stage: awareness
            channel: social
            emotion: 1
          - id: order
            name: Orders
            stage: decision
            channel: web
    \(touchpoints)
    """
}

@Suite("Validation")
struct ValidationTests {
    static let cases: [BrokenCase] = [
        BrokenCase(name: "YAML syntax", yaml: "version: 1\npersonas:\n  - id: maya\n   name: Maya\n", code: "syntax", at: .explicit(4, 4),
                   message: "invalid YAML"),
        BrokenCase(name: "unclosed flow sequence", yaml: "version: 1\npersonas: [\n", code: "syntax", at: .explicit(3, 1), message: "invalid YAML"),
        BrokenCase(name: "JSON syntax", yaml: "{\n  \"version\": 1,\n  \"personas\": [}\n", code: "syntax", at: .explicit(3, 16),
                   message: "invalid JSON", file: "broken.json"),
        BrokenCase(name: "JSON trailing comma", yaml: "{\"version\": 1,}", code: "syntax", at: .explicit(1, 15), message: "a trailing comma before '}'",
                   file: "broken.json"),
        BrokenCase(name: "misspelt key", yaml: workspace(touchpoints: "        emtion: 1"), code: "unknown-key", at: .token("emtion"),
                   message: "unknown key 'emtion' in touchpoint", suggestion: "did you mean 'emotion'?"),
        BrokenCase(name: "wrong type", yaml: workspace(touchpoints: "        actions: Scrolls feed"), code: "wrong-type", at: .token("Scrolls feed"),
                   message: "'actions' must be a list, found text"),
        BrokenCase(name: "emotion not a number", yaml: workspace(touchpoints: "        emotion: happy"), code: "wrong-type", at: .token("happy"),
                   message: "'emotion' must be a number"),
        BrokenCase(name: "missing required key", yaml: "version: 1\npersonas:\n  - id: maya\n", code: "missing-key", at: .token("id: maya"),
                   message: "persona is missing the required key 'name'"),
        BrokenCase(name: "duplicate persona id", yaml: workspace(personas: "  - { id: maya, name: Other }"), code: "duplicate-id", at: .token("maya, name: Other"),
                   message: "duplicate persona id 'maya' (first defined at line 3)"),
        BrokenCase(name: "duplicate touchpoint id", yaml: workspace(touchpoints: "      - { id: ad, name: Again, stage: decision, channel: web }"),
                   code: "duplicate-id", at: .token("ad, name: Again"), message: "duplicate touchpoint id 'ad'"),
        BrokenCase(name: "duplicate stage id", yaml: workspace(journey: "    lanes: []").replacingFirst(
            "      - { id: decision, name: Decision }", with: "      - { id: decision, name: Decision }\n      - { id: awareness, name: Again }"),
                   code: "duplicate-id", at: .token("awareness, name: Again"), message: "duplicate stage id 'awareness'"),
        BrokenCase(name: "dangling stage", yaml: workspace().replacingFirst("stage: decision", with: "stage: decison"), code: "dangling-reference",
                   at: .token("decison"), message: "stage 'decison' does not exist", suggestion: "did you mean 'decision'?"),
        BrokenCase(name: "dangling persona", yaml: workspace().replacingFirst("personas: [maya]", with: "personas: [mya]"), code: "dangling-reference",
                   at: .token("mya]"), message: "persona 'mya' does not exist", suggestion: "did you mean 'maya'?"),
        BrokenCase(name: "dangling goal", yaml: workspace().replacingFirst("goal: order", with: "goal: ordr"), code: "dangling-reference",
                   at: .token("ordr"), message: "goal 'ordr' does not exist", suggestion: "did you mean 'order'?"),
        BrokenCase(name: "dangling improves", yaml: workspace(journey: "    state: future\n    improves: first-purchse"), code: "dangling-reference",
                   at: .token("first-purchse"), message: "current map 'first-purchse' does not exist"),
        BrokenCase(name: "future map without current", yaml: workspace(journey: "    state: future"), code: "future-without-current",
                   at: .token("future"), message: "does not name the current map it improves"),
        BrokenCase(name: "live_from not a date", yaml: workspace(journey: "    live_from: next week"), code: "invalid-date",
                   at: .token("next week"), message: "'next week' is not a date"),
        BrokenCase(name: "live_from a day that does not exist", yaml: workspace(journey: "    live_from: 2026-02-30"), code: "invalid-date",
                   at: .token("2026-02-30"), message: "'2026-02-30' is not a date"),
        BrokenCase(name: "live_from a time, not a date", yaml: workspace(journey: "    live_from: 2026-09-01T10:00:00Z"), code: "invalid-date",
                   at: .token("2026-09-01T10"), message: "is not a date"),
        BrokenCase(name: "live_from a list", yaml: workspace(journey: "    live_from: [2026-09-01]"), code: "wrong-type",
                   at: .token("[2026-09-01]"), message: "'live_from' must be text"),
        BrokenCase(name: "free-lane card to unknown touchpoint",
                   yaml: workspace(touchpoints: "    lanes:\n      - { id: backstage, name: Backstage, cards: { add: Paid social } }"),
                   code: "dangling-reference", at: .token("add: Paid"), message: "touchpoint 'add' does not exist", suggestion: "did you mean 'ad'?"),
        BrokenCase(name: "emotion outside the scale", yaml: workspace().replacingFirst("emotion: 1", with: "emotion: 3"), code: "emotion-out-of-scale",
                   at: .value("emotion"), message: "emotion 3 is outside the map's scale -2…2"),
        BrokenCase(name: "inverted scale", yaml: workspace(journey: "    emotion_scale: { min: 2, max: -2 }"), code: "invalid-scale",
                   at: .token("{ min: 2"), message: "the emotion scale's min (2) is not below its max (-2)"),
        BrokenCase(name: "empty stage", yaml: workspace().replacingFirst("      - { id: decision, name: Decision }",
                   with: "      - { id: decision, name: Decision }\n      - { id: retention, name: Retention }"),
                   code: "empty-stage", at: .token("{ id: retention"), severity: .warning, message: "stage 'retention' has no touchpoints"),
        BrokenCase(name: "invalid regex", yaml: workspace(touchpoints: "        match: { event: Page, properties: { path: { regex: \"^/check(out\" } } }"),
                   code: "invalid-regex", at: .token("\"^/check(out\""), message: "invalid regular expression"),
        BrokenCase(name: "bad glob", yaml: workspace(touchpoints: "        match: { event: \"Order [Done\" }"), code: "invalid-glob",
                   at: .token("\"Order [Done\""), message: "invalid glob"),
        BrokenCase(name: "unknown operator", yaml: workspace(touchpoints: "        match: { event: Paid, properties: { total: { gtee: 100 } } }"),
                   code: "unknown-operator", at: .token("gtee"), message: "unknown operator 'gtee'", suggestion: "did you mean 'gte'?"),
        BrokenCase(name: "operator with wrong operand", yaml: workspace(touchpoints: "        match: { event: Paid, properties: { total: { in: 3 } } }"),
                   code: "invalid-condition", at: .value("in"), message: "'in' needs a list"),
        BrokenCase(name: "invalid id", yaml: "version: 1\npersonas:\n  - { id: Maya Smith, name: Maya }\n", code: "invalid-id", at: .token("Maya Smith"),
                   message: "'Maya Smith' is not a valid id", suggestion: "use 'maya-smith'"),
        BrokenCase(name: "unsupported version", yaml: "version: 2\n", code: "unsupported-version", at: .value("version"),
                   message: "format version 2 is not supported"),
        BrokenCase(name: "invalid enumeration", yaml: workspace(touchpoints: "        evidence: observd"), code: "invalid-value", at: .token("observd"),
                   message: "'observd' is not a valid evidence", suggestion: "did you mean 'observed'?"),
        BrokenCase(name: "top level is a list", yaml: "- a\n- b\n", code: "wrong-type", at: .explicit(1, 1), message: "workspace must be a mapping"),
        BrokenCase(name: "empty file", yaml: "\n\n", code: "empty-file", at: .file, message: "the file is empty"),
        BrokenCase(name: "unreachable match rule", yaml: workspace(touchpoints: "        match: { event: X }\n      - { id: again, name: Again, stage: decision, channel: web, match: { event: X } }"),
                   code: "unreachable-match", at: .token("{ event: X } }"), severity: .warning, message: "no event will reach 'again'"),
    ]

    @Test("each kind of problem is reported with its position", arguments: cases)
    func reportsProblem(_ broken: BrokenCase) {
        let diagnostics = diagnose(broken.yaml, file: broken.file)
        let match = diagnostics.first { $0.code == broken.code }
        #expect(match != nil, "expected \(broken.code), got \(diagnostics.map(\.formatted))")
        guard let match else { return }
        #expect(match.severity == broken.severity)
        #expect(match.file == broken.file)
        let expected = broken.expected
        #expect((match.line, match.column) == (expected.line, expected.column), "\(match.formatted)")
        #expect(match.message.contains(broken.message), "\(match.message)")
        if let suggestion = broken.suggestion { #expect(match.suggestion == suggestion, "\(match.formatted)") }
        #expect(match.formatted.hasPrefix(expected.line > 0 ? "\(broken.file):\(expected.line):\(expected.column): \(broken.severity.rawValue): " : "\(broken.file): \(broken.severity.rawValue): "))
    }

    @Test("a valid workspace has no diagnostics")
    func validWorkspace() {
        #expect(diagnose(workspace()).isEmpty)
    }

    @Test("every problem is reported at once")
    func allProblemsAtOnce() {
        let yaml = workspace(touchpoints: "        emtion: 1\n        evidence: maybe")
            .replacingFirst("stage: decision", with: "stage: nowhere")
            .replacingFirst("goal: order", with: "goal: nothing")
        let codes = Set(diagnose(yaml).map(\.code))
        #expect(codes.isSuperset(of: ["unknown-key", "invalid-value", "dangling-reference"]))
        #expect(diagnose(yaml).filter { $0.code == "dangling-reference" }.count == 2)
    }

    @Test("diagnostics are sorted by position and encode as JSON")
    func sortedDiagnostics() throws {
        let yaml = workspace(touchpoints: "        emtion: 1").replacingFirst("personas: [maya]", with: "personas: [nobody]")
        let diagnostics = WorkspaceLoader.Loaded.sortedForTest(diagnose(yaml))
        #expect(diagnostics.map(\.line) == diagnostics.map(\.line).sorted())
    }

    func diagnose(_ text: String, file: String = "broken.yaml") -> [Diagnostic] {
        let decoded = WorkspaceCodec.decode(Array(text.utf8), file: file)
        var diagnostics = decoded.diagnostics
        if let workspace = decoded.workspace {
            diagnostics += WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
        }
        return diagnostics.sortedByLocation()
    }
}

extension WorkspaceLoader.Loaded {
    static func sortedForTest(_ diagnostics: [Diagnostic]) -> [Diagnostic] { diagnostics.sortedByLocation() }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
