import Foundation
import JourneyModel
import Testing
import WayfinderTesting

/// Bad input of any kind gets a clear diagnostic and never a crash (DESIGN.md, "Reliability").
///
/// Three sources of bad input: a corpus of small broken files under
/// `Fixtures/broken`, large and deeply nested inputs generated here, and seeded
/// random mutations of every template. Set `WAYFINDER_FUZZ_TRACE=1` to print
/// each mutation's seed before it runs, to find the input behind a crash.
@Suite("Robustness")
struct RobustnessTests {
    // MARK: - Corpus

    /// What loading one corpus file must produce.
    struct CorpusCase: CustomTestStringConvertible, Sendable {
        var file: String
        /// The diagnostic code of the first error, or nil when the file is valid.
        var code: String?
        /// The expected position of that error; nil for a whole-file problem.
        var at: (line: Int, column: Int)?
        /// Text the message must contain.
        var message: String = ""
        /// A known product bug this case shows, reported but not yet fixed.
        var knownIssue: String?

        var testDescription: String { file }

        static func valid(_ file: String) -> CorpusCase { CorpusCase(file: file, code: nil) }
    }

    static let corpus: [CorpusCase] = [
        CorpusCase(file: "truncated.yaml", code: "syntax", at: nil, message: "invalid YAML"),
        CorpusCase(file: "truncated.json", code: "syntax", at: (7, 50), message: "ends inside a string"),
        CorpusCase(file: "binary.yaml", code: "encoding", at: (1, 1), message: "looks binary"),
        CorpusCase(file: "invalid-utf8.yaml", code: "encoding", at: (2, 10), message: "not valid UTF-8"),
        CorpusCase(file: "tabs.yaml", code: "syntax", at: (3, 1), message: "invalid YAML"),
        CorpusCase(file: "unclosed-double-quote.yaml", code: "syntax", at: nil, message: "quoted scalar"),
        CorpusCase(file: "unclosed-single-quote.yaml", code: "syntax", at: nil, message: "quoted scalar"),
        CorpusCase(file: "unclosed-bracket.yaml", code: "syntax", at: nil, message: "invalid YAML"),
        CorpusCase(file: "unclosed-brace.json", code: "syntax", at: (1, 58), message: "invalid JSON"),
        CorpusCase(file: "billion-laughs.yaml", code: "too-large", at: nil, message: "expands to more than"),
        // The parser hashes mapping keys whole: an alias key expanding to 10⁷ values took it minutes.
        CorpusCase(file: "alias-key.yaml", code: "alias-key", at: (10, 32), message: "alias (*name) is used as a mapping key"),
        // The same within a list used as a key (`[x, *i]: 1`), which a reading of the text let through.
        CorpusCase(file: "alias-in-list-key.yaml", code: "alias-key", at: (11, 5), message: "alias (*name) is used as a mapping key"),
        CorpusCase(file: "top-level-list.yaml", code: "wrong-type", at: (1, 1), message: "must be a mapping"),
        CorpusCase(file: "top-level-scalar.yaml", code: "wrong-type", at: (1, 1), message: "must be a mapping"),
        CorpusCase(file: "top-level-number.json", code: "wrong-type", at: (1, 1), message: "must be a mapping"),
        CorpusCase(file: "empty.yaml", code: "empty-file", at: nil, message: "empty"),
        CorpusCase(file: "whitespace-only.yaml", code: "empty-file", at: nil, message: "empty"),
        CorpusCase(file: "only-comments.yaml", code: "empty-file", at: nil, message: "no YAML document"),
        CorpusCase(file: "duplicate-keys.yaml", code: "syntax", at: nil, message: "duplicate key 'name'"),
        CorpusCase(file: "duplicate-keys.json", code: "syntax", at: (1, 60), message: "duplicate key 'name'"),
        CorpusCase(file: "trailing-comma.json", code: "syntax", at: (5, 3), message: "invalid JSON"),
        CorpusCase(file: "version-2.yaml", code: "unsupported-version", at: (1, 10), message: "version 2"),
        CorpusCase(file: "control-character.yaml", code: "encoding", at: (2, 13), message: "U+0007"),
        CorpusCase(file: "multiple-documents.yaml", code: "syntax", at: nil, message: "invalid YAML"),
        CorpusCase(file: "too-long-card.yaml", code: "too-long", at: (19, 13), message: "'actions' is 2,001 characters long, more than the 2,000 allowed"),
        .valid("text-at-limits.yaml"),
        .valid("bom.yaml"),
        .valid("bom.json"),
        .valid("crlf.yaml"),
        .valid("crlf.json"),
    ]

    /// Diagnostic codes about a file as a whole, which have no line and column.
    static let wholeFileCodes: Set = ["empty-file", "too-large", "file-too-large", "unreadable", "not-found"]

    static func brokenFolder() throws -> URL {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "the Fixtures resource folder is missing")
        return fixtures.appendingPathComponent("broken")
    }

    @Test("every corpus file has an expectation")
    func corpusIsComplete() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.brokenFolder().path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(Self.corpus.map(\.file)))
        #expect(names.count >= 20)
    }

    @Test("corpus file loads with a clear diagnostic", arguments: corpus)
    func corpusFile(_ corpusCase: CorpusCase) throws {
        let path = try Self.brokenFolder().appendingPathComponent(corpusCase.file).path
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let loaded = WorkspaceLoader.load([path])
        let decoded = WorkspaceCodec.decode(bytes, file: corpusCase.file)

        for diagnostic in loaded.diagnostics { Self.checkWellFormed(diagnostic, in: bytes) }
        for diagnostic in decoded.diagnostics { Self.checkWellFormed(diagnostic, in: bytes) }
        #expect(loaded.files == [path])

        guard let code = corpusCase.code else {
            #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics.map(\.formatted))")
            #expect(loaded.workspace.personas.map(\.id) == ["maya"])
            return
        }
        let error = try #require(loaded.diagnostics.first { $0.severity == .error }, "no error for a broken file")
        #expect(!loaded.isValid)
        #expect(error.code == code)
        #expect(error.file == path)
        #expect(error.message.contains(corpusCase.message), "\(error.formatted)")
        if let at = corpusCase.at {
            #expect(error.line == at.line && error.column == at.column, "\(error.formatted)")
        }
        // Only whole-file problems may go without a position.
        if !Self.wholeFileCodes.contains(code) {
            #expect(error.line >= 1 && error.column >= 1, "\(error.formatted) has no position")
        }
        // The library call names the file as given and finds the same first problem.
        let direct = try #require(decoded.diagnostics.first { $0.severity == .error } ?? WorkspaceValidator.validate(
            decoded.workspace ?? Workspace(), sourceMap: decoded.sourceMap).first { $0.severity == .error })
        #expect(direct.file == corpusCase.file)
        #expect(direct.code == code)

        if let knownIssue = corpusCase.knownIssue {
            withKnownIssue(Comment(rawValue: knownIssue)) {
                Self.checkWithinFile(error, bytes)
            }
        } else {
            Self.checkWithinFile(error, bytes)
        }
    }

    @Test("duplicate YAML keys point at one of the two keys")
    func duplicateKeyPosition() throws {
        let path = try Self.brokenFolder().appendingPathComponent("duplicate-keys.yaml").path
        let error = try #require(WorkspaceLoader.load([path]).diagnostics.first)
        // Lines 4 and 5 both hold `name:`; the JSON reader points at the second, the duplicate.
        #expect([4, 5].contains(error.line) && error.column == 5, "\(error.formatted)")
    }

    @Test("a BOM does not shift columns on the first line")
    func byteOrderMarkColumns() {
        let decoded = WorkspaceCodec.decode([0xEF, 0xBB, 0xBF] + Array("bogus: 1\nversion: 1\n".utf8), file: "bom.yaml")
        let unknown = decoded.diagnostics.first { $0.code == "unknown-key" }
        #expect(unknown?.line == 1 && unknown?.column == 1, "\(decoded.diagnostics.map(\.formatted))")
    }

    /// Found by fuzzing (FuzzMapJSON): a persona whose demographics key began with U+FEFF was
    /// read from JSON, written as YAML, and read back without it, so as another persona.
    @Test("U+FEFF inside text is refused with its line, as a character and as a JSON escape")
    func byteOrderMarkInsideText() {
        let character = "{\"id\": \"sam\", \"name\": \"Sam\", \"demographics\": {\"\u{FEFF}age\": \"35-44\"}}"
        let escape = #"{"id": "sam", "name": "Sam", "demographics": {"\uFEFFage": "35-44"}}"#
        let yaml = "id: sam\nname: Sam\ndemographics:\n  \u{FEFF}age: 35-44\n"
        for (text, file, line) in [(character, "sam.json", 1), (escape, "sam.json", 1), (yaml, "sam.yaml", 4)] {
            let decoded = WorkspaceCodec.decode(Array(text.utf8), file: file, content: .detect(personaIndex: 0, journeyIndex: 0))
            let problem = decoded.diagnostics.first { $0.message.contains("U+FEFF") }
            #expect(decoded.workspace == nil && problem?.line == line, "\(file): \(decoded.diagnostics.map(\.formatted))")
        }
    }

    /// Found by fuzzing (FuzzMapJSON): U+FFFF in a JSON map was written raw into YAML, which YAML
    /// readers refuse ("control characters are not allowed").
    @Test("U+FFFE and U+FFFF in text are written as escapes, so the YAML reads back as the same map")
    func nonCharactersRoundTrip() throws {
        let json = "{\"id\": \"sam\", \"name\": \"Sam \u{FFFF} and \u{FFFE}\"}"
        let decoded = WorkspaceCodec.decode(Array(json.utf8), file: "sam.json", content: .detect(personaIndex: 0, journeyIndex: 0))
        let workspace = try #require(decoded.workspace, "\(decoded.diagnostics.map(\.formatted))")
        let yaml = WorkspaceCodec.yaml(workspace)
        let reread = WorkspaceCodec.decode(Array(yaml.utf8), file: "sam.yaml")
        #expect(reread.workspace == workspace, "\(reread.diagnostics.map(\.formatted))\n\(yaml)")
    }

    @Test("CRLF line endings keep lines and columns right", arguments: ["yaml", "json"])
    func crlfPositions(_ syntax: String) {
        let text = syntax == "yaml"
            ? "version: 1\r\npersonas:\r\n  - id: maya\r\n    name: Maya\r\n    nmae: x\r\n"
            : "{\r\n  \"version\": 1,\r\n  \"personas\": [\r\n    {\"id\": \"maya\", \"name\": \"Maya\",\r\n    \"nmae\": \"x\"}]\r\n}\r\n"
        let decoded = WorkspaceCodec.decode(text, file: "crlf.\(syntax)")
        let unknown = decoded.diagnostics.first { $0.code == "unknown-key" }
        #expect(unknown?.line == 5 && unknown?.column == 5, "\(decoded.diagnostics.map(\.formatted))")
        #expect(unknown?.suggestion?.contains("'name'") == true)
    }

    // MARK: - Large and deep inputs, generated

    @Test("a 100 MB file is refused quickly, before parsing")
    func hundredMegabyteFile() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.path("huge.yaml")
            // A sparse file: 100 MB long without writing 100 MB to disk.
            #expect(FileManager.default.createFile(atPath: path, contents: Data("version: 1\n".utf8)))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: 100 * 1_048_576)
            try handle.close()

            let clock = ContinuousClock()
            var loaded: WorkspaceLoader.Loaded?
            let elapsed = clock.measure { loaded = WorkspaceLoader.load([path]) }
            let error = try #require(loaded?.diagnostics.first)
            #expect(error.code == "file-too-large")
            #expect(error.message.contains("limited to"), "\(error.formatted)")
            #expect(error.message.contains("100.0 MB"), "\(error.formatted)")
            #expect(error.file == path)
            #expect(elapsed < .seconds(5), "refusing a 100 MB file took \(elapsed)")
        }
    }

    @Test("100 MB of bytes given to the codec are refused before parsing")
    func hundredMegabyteBytes() throws {
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: 100 * 1_048_576)
        let clock = ContinuousClock()
        var decoded: WorkspaceCodec.Decoded?
        let elapsed = clock.measure { decoded = WorkspaceCodec.decode(bytes, file: "huge.yaml") }
        let error = try #require(decoded?.diagnostics.first)
        #expect(decoded?.workspace == nil)
        #expect(error.message.contains("limited to"), "\(error.formatted)")
        #expect(elapsed < .seconds(2), "refusing 100 MB took \(elapsed)")
    }

    /// A 10,000-deep input, built in memory.
    struct DeepInput: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var text: String
        var testDescription: String { name }
    }

    static let deepInputs: [DeepInput] = [
        DeepInput(name: "10,000 '[' in YAML", file: "deep.yaml", text: "version: 1\nname: " + String(repeating: "[", count: 10_000) + "\n"),
        DeepInput(name: "10,000 '{a:' in YAML", file: "deep.yaml", text: "version: 1\nname: " + String(repeating: "{a: ", count: 10_000) + "\n"),
        DeepInput(name: "10,000 '- ' on one line", file: "deep.yaml", text: "version: 1\npersonas:\n" + String(repeating: "- ", count: 10_000) + "x\n"),
        DeepInput(name: "1,500 indented '- ' lines", file: "deep.yaml",
                  text: "version: 1\npersonas:\n" + (0..<1_500).map { String(repeating: " ", count: 2 * $0) + "-" }.joined(separator: "\n") + " x\n"),
        DeepInput(name: "10,000 '[' in JSON", file: "deep.json", text: String(repeating: "[", count: 10_000)),
        DeepInput(name: "10,000 '{\"a\":' in JSON", file: "deep.json", text: String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000)),
        DeepInput(name: "10,000 '[' closed in JSON", file: "deep.json", text: "{\"version\": 1, \"name\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"),
    ]

    @Test("deep nesting gives a clear error, not a stack overflow", arguments: deepInputs)
    func deepNesting(_ input: DeepInput) throws {
        let bytes = Array(input.text.utf8)
        let decoded = WorkspaceCodec.decode(bytes, file: input.file)
        let error = try #require(decoded.diagnostics.first { $0.severity == .error }, "no error for \(input.name)")
        #expect(error.message.contains("nested") && error.message.contains("deep"), "\(error.formatted)")
        #expect(error.code == "too-deep" || error.code == "syntax")
        #expect(error.line >= 1 && error.column >= 1, "\(error.formatted)")
        Self.checkWellFormed(error, in: bytes)
    }

    // MARK: - Mutation fuzzing

    /// Mutations per template (`WAYFINDER_FUZZ_MUTATIONS` overrides it for longer runs).
    ///
    /// A debug-build decode of a 1,500-line template takes about 23 ms, so 240 per
    /// template (1,200 decodes) keeps this suite near 16 s on two cores.
    static let mutationsPerTemplate = ProcessInfo.processInfo.environment["WAYFINDER_FUZZ_MUTATIONS"].flatMap { Int($0) } ?? 240

    @Test("templates survive random mutations", arguments: WorkspaceTemplate.allCases)
    func mutatedTemplates(_ template: WorkspaceTemplate) {
        let original = Array(template.yaml.utf8)
        let file = "\(template.rawValue).yaml"
        let trace = ProcessInfo.processInfo.environment["WAYFINDER_FUZZ_TRACE"] != nil
        var failures = 0
        var outcomes: [String: Int] = [:]
        for index in 0..<Self.mutationsPerTemplate {
            let seed = UInt64(index) &* 1_000_003 &+ UInt64(WorkspaceTemplate.allCases.firstIndex(of: template)!)
            var mutator = Mutator(seed: seed)
            let rounds = 1 + mutator.generator.below(3)
            var bytes = original
            var operations: [String] = []
            for _ in 0..<rounds {
                let step = mutator.mutate(bytes)
                bytes = step.bytes
                operations.append(step.operation.rawValue)
            }
            if trace { print("fuzz \(file) seed \(seed): \(operations.joined(separator: ", "))") }

            let decoded = WorkspaceCodec.decode(bytes, file: file)
            var diagnostics = decoded.diagnostics
            if let workspace = decoded.workspace {
                diagnostics += WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
            }
            outcomes[diagnostics.hasErrors ? "error" : diagnostics.isEmpty ? "clean" : "warning", default: 0] += 1
            for diagnostic in diagnostics where !Self.isWellFormed(diagnostic, in: bytes, file: file) {
                failures += 1
                if failures <= 5 {
                    Issue.record("seed \(seed) (\(operations.joined(separator: ", "))): malformed diagnostic \(diagnostic)")
                }
            }
        }
        #expect(failures == 0)
        // The mutations must actually break things, or the test proves nothing.
        #expect(outcomes["error", default: 0] > Self.mutationsPerTemplate / 4, "\(outcomes)")
    }

    @Test("the JSON form of a template survives random mutations")
    func mutatedJSON() {
        let original = Array(WorkspaceCodec.json(WorkspaceTemplate.saas.workspace).utf8)
        var failures = 0
        for seed in UInt64(0)..<UInt64(100) {
            var mutator = Mutator(seed: seed &+ 0x4A53_4F4E)
            let bytes = mutator.mutate(original, times: 1 + mutator.generator.below(3))
            let decoded = WorkspaceCodec.decode(bytes, file: "saas.json")
            var diagnostics = decoded.diagnostics
            if let workspace = decoded.workspace {
                diagnostics += WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
            }
            for diagnostic in diagnostics where !Self.isWellFormed(diagnostic, in: bytes, file: "saas.json") {
                failures += 1
                if failures <= 5 { Issue.record("seed \(seed &+ 0x4A53_4F4E): malformed diagnostic \(diagnostic)") }
            }
        }
        #expect(failures == 0)
    }

    @Test("the same seed gives the same mutations")
    func mutatorIsDeterministic() {
        let text = WorkspaceTemplate.retail.yaml
        var first = Mutator(seed: 42), second = Mutator(seed: 42), other = Mutator(seed: 43)
        let a = (0..<20).map { _ in first.mutate(text).bytes }
        let b = (0..<20).map { _ in second.mutate(text).bytes }
        let c = (0..<20).map { _ in other.mutate(text).bytes }
        #expect(a == b)
        #expect(a != c)
    }

    @Test("every mutation operation can run on any input", arguments: Mutator.Operation.allCases)
    func mutationOperations(_ operation: Mutator.Operation) {
        var mutator = Mutator(seed: 7)
        for input in ["", "a", "\n", "version: 1\n", "  - x\n  - y"] {
            for _ in 0..<50 { _ = mutator.apply(operation, to: Array(input.utf8)) }
        }
        let changed = (0..<50).contains { _ in mutator.apply(operation, to: Array("version: 1\nname: x\n  - id: a\n".utf8)) != Array("version: 1\nname: x\n  - id: a\n".utf8) }
        #expect(changed)
    }

    // MARK: - Checks

    /// A diagnostic has a message, a file, and a position that is either absent (0:0) or 1-based.
    static func isWellFormed(_ diagnostic: Diagnostic, in bytes: [UInt8], file: String? = nil) -> Bool {
        !diagnostic.message.trimmingCharacters(in: .whitespaces).isEmpty
            && !diagnostic.file.isEmpty
            && (file == nil || diagnostic.file == file)
            && !diagnostic.code.isEmpty
            && ((diagnostic.line == 0 && diagnostic.column == 0) || (diagnostic.line >= 1 && diagnostic.column >= 1))
            && diagnostic.line <= lineCount(bytes) + 1
    }

    static func checkWellFormed(_ diagnostic: Diagnostic, in bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(isWellFormed(diagnostic, in: bytes), "malformed diagnostic: \(diagnostic)", sourceLocation: sourceLocation)
    }

    /// The error's line exists in the file (the line after a final newline counts as existing).
    static func checkWithinFile(_ diagnostic: Diagnostic, _ bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard diagnostic.line > 0 else { return }
        let lines = lineCount(bytes)
        #expect(diagnostic.line <= lines, "\(diagnostic.formatted) is past the end of a \(lines)-line file", sourceLocation: sourceLocation)
    }

    /// The number of lines, counting the empty line after a final newline.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
