@testable import JourneyModel
import Testing

/// The check made on the YAML parser's events before the composer runs: it counts the values a
/// document expands to exactly as the reader does, so a "billion laughs" is refused in one pass
/// over the text instead of after two million values have been built.
@Suite("YAML event check")
struct YAMLEventCheckTests {
    /// The values of a read document as the reader counts them: every mapping, list and scalar, keys left out.
    static func count(_ node: DocumentNode) -> Int {
        switch node.value {
        case .mapping(let entries): 1 + entries.map { count($0.value) }.reduce(0, +)
        case .sequence(let items): 1 + items.map(count).reduce(0, +)
        default: 1
        }
    }

    static let documents = [
        "version: 1\nname: x\n",
        "x: &a [1, 2]\ny: [*a, *a]\n",
        "x: &a {k: [1, {j: 2}]}\ny: [*a, {z: *a}]\nw: &s text\nv: [*s, *s, *s]\n",
        "a: &a [x]\na2: &a [x, y, z]\nb: [*a, *a]\n",
        "--- [&a [x, x], *a, {k: *a}]\n",
        // An anchored key: an alias of it is one value wherever it is used.
        "&k a: 1\nb: [*k, *k, *k]\nc: {d: *k}\n",
    ] + WorkspaceTemplate.allCases.map(\.yaml)

    @Test("the values a document expands to are counted as the reader counts them: at the count it passes, one below it is too large",
          arguments: documents)
    func countsAsTheReader(_ text: String) throws {
        let root = try #require(DocumentReader.read(Array(text.utf8), file: "a.yaml", syntax: .yaml).root)
        let values = Self.count(root)
        #expect(YAMLEventCheck.firstProblem(text, limit: values) == nil, "\(values) values")
        #expect(YAMLEventCheck.firstProblem(text, limit: values - 1) == .tooLarge, "\(values) values")
    }

    @Test("a billion laughs in values (10⁸ once expanded) is too large, and an alias key is told before it wherever it is")
    func billionLaughs() {
        var text = "version: 1\nname: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for (name, previous) in zip("bcdefgh", "abcdefg") {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(YAMLEventCheck.firstProblem(text, limit: DocumentReader.maximumNodeCount) == .tooLarge)
        #expect(YAMLEventCheck.firstProblem(text + "[*h]: x\n", limit: DocumentReader.maximumNodeCount) == .aliasKey(line: 10, column: 2))
        let read = DocumentReader.read(Array(text.utf8), file: "a.yaml", syntax: .yaml)
        #expect(read.root == nil && read.diagnostics.map(\.code) == ["too-large"])
    }
}
