import Foundation
import JourneyModel
import Testing

@Suite("Round trip")
struct RoundTripTests {
    @Test("every template is valid", arguments: WorkspaceTemplate.allCases)
    func templateIsValid(template: WorkspaceTemplate) {
        let decoded = template.decoded()
        #expect(decoded.diagnostics.isEmpty, "\(decoded.diagnostics.map(\.formatted))")
        let workspace = decoded.workspace!
        #expect(workspace.personas.count >= 2)
        let current = workspace.journeys.first { $0.state == .current }!
        #expect(current.stages.map(\.id) == Stage.defaults.map(\.id))
        #expect(current.touchpoints.count >= 12)
        #expect(Set(current.touchpoints.map(\.channel)).count >= 6)
        #expect(workspace.journeys.contains { $0.state == .future && $0.improves == current.id })
        for touchpoint in current.touchpoints {
            #expect(!touchpoint.actions.isEmpty && !touchpoint.thoughts.isEmpty && touchpoint.emotion != nil, "\(touchpoint.id)")
            #expect(!touchpoint.painPoints.isEmpty && !touchpoint.opportunities.isEmpty && touchpoint.owner != nil && !touchpoint.kpis.isEmpty, "\(touchpoint.id)")
            #expect(touchpoint.match != nil && touchpoint.evidence != nil, "\(touchpoint.id)")
        }
    }

    @Test("text with asterisks and commas, folded over lines when written as YAML, reads back (a line of it is no alias key)")
    func asterisksInFoldedText() throws {
        let quote = "Just let me re" + String(repeating: "e", count: 90) + String(repeating: "*", count: 37) + "," + String(repeating: "*", count: 45)
            + "eee" + String(repeating: "Y", count: 60) + "order."
        var persona = Persona(id: "sam", name: "Sam, returning customer")
        persona.quote = quote
        persona.demographics = [("age", .string("83-44")), ("l-*1e-999", .string("Cardiff"))]
        persona.goals = ["Reord)er quickly"]
        let workspace = Workspace(personas: [persona])
        for written in [WorkspaceCodec.yaml(workspace), WorkspaceCodec.json(workspace)] {
            let reread = WorkspaceCodec.decode(written, file: written.hasPrefix("{") ? "a.json" : "a.yaml")
            #expect(reread.diagnostics.isEmpty, "\(reread.diagnostics.map(\.formatted))\n\(written)")
            #expect(reread.workspace == workspace)
        }
    }

    @Test("an asterisk after text and spaces is part of a plain key, not an alias; an alias where a key starts is still refused")
    func asteriskInsidePlainKey() throws {
        let text = "version: 1\npersonas:\n  - id: sam\n    name: Sam\n    demographics:\n      l-  *1e-999: Cardiff\n      a - *b: c\n      e****[***,*eee99: d\n"
        let read = WorkspaceCodec.decode(text, file: "a.yaml")
        #expect(read.diagnostics.isEmpty, "\(read.diagnostics.map(\.formatted))")
        #expect(read.workspace?.personas.first?.demographics.map(\.key) == ["l-  *1e-999", "a - *b", "e****[***,*eee99"])
        for aliasKey in ["x: &a y\n*a: z\n", "- &a y\n- *a: z\n", "x: &a y\n? *a\n: z\n", "x: &a y\nm: {*a: z}\n", "x: &a y\nm: [{b: c, *a: z}]\n",
                         "x: &a y\nm: {k: 1,\n  j: 2, *a : v}\n", "x: &a y\nm: {? *a : v}\n", "x: &a y\nm: [a,? *a : c]\n",
                         "--- [&a [x, x], {*a : v}]\n", "x: &a y\n*a\t: z\n",
                         // Within a list or mapping used as a key: the key is hashed with all the alias expands to.
                         "x: &a y\n[*a]: z\n", "x: &a y\n? - *a\n: z\n", "x: &a y\n? {k: *a}\n: z\n", "x: &a [y]\nm: {[*a]: v}\n",
                         "x: &a y\n? [[b, *a]]\n: z\n", "x: &a y\nm: [[*a]: v]\n"] {
            let refused = DocumentReader.read(Array(aliasKey.utf8), file: "b.yaml", syntax: .yaml)
            #expect(refused.diagnostics.contains { $0.code == "alias-key" }, "\(aliasKey): \(refused.diagnostics.map(\.formatted))")
        }
        // An alias as a value, also a value within a mapping that is itself a value, is no key.
        for aliasValue in ["x: &a y\nm: {k: *a}\n", "x: &a y\n? k\n: *a\n", "x: &a [y]\nm: [*a, {k: [*a]}]\n", "x: &a y\n? [k]\n: {j: *a}\n"] {
            let read = DocumentReader.read(Array(aliasValue.utf8), file: "c.yaml", syntax: .yaml)
            #expect(read.root != nil && read.diagnostics.isEmpty, "\(aliasValue): \(read.diagnostics.map(\.formatted))")
        }
    }

    @Test("YAML and JSON round trips keep every value and its order", arguments: WorkspaceTemplate.allCases)
    func codecRoundTrip(template: WorkspaceTemplate) throws {
        let original = template.workspace
        let yaml = WorkspaceCodec.yaml(original)
        let fromYAML = try #require(WorkspaceCodec.decode(yaml, file: "a.yaml").workspace)
        #expect(fromYAML == original)
        let json = WorkspaceCodec.json(original)
        let fromJSON = try #require(WorkspaceCodec.decode(json, file: "a.json").workspace)
        #expect(fromJSON == original)
        // Writing is a fixpoint: encoding what was read gives the same text.
        #expect(WorkspaceCodec.yaml(fromJSON) == yaml)
        #expect(WorkspaceCodec.json(fromYAML) == json)
    }

    @Test("the canonical YAML holds the same document as the hand-written template", arguments: WorkspaceTemplate.allCases)
    func documentContentIsKept(template: WorkspaceTemplate) throws {
        let handWritten = try #require(DocumentReader.read(Array(template.yaml.utf8), file: "t.yaml", syntax: .yaml).root)
        let written = WorkspaceCodec.yaml(template.workspace)
        let reread = try #require(DocumentReader.read(Array(written.utf8), file: "w.yaml", syntax: .yaml).root)
        #expect(Normalized(handWritten) == Normalized(reread))
    }

    @Test("a folder of one-object files loads as the same workspace", arguments: [DocumentReader.Syntax.yaml, .json])
    func folderLayout(syntax: DocumentReader.Syntax) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wayfinder-folder-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let original = WorkspaceTemplate.saas.workspace
        let written = try WorkspaceWriter.write(original, to: directory, syntax: syntax)
        #expect(written.count == 1 + original.personas.count + original.journeys.count)
        let loaded = WorkspaceLoader.load([directory])
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.formatted))")
        // Folders are read in file-name order.
        #expect(loaded.workspace.personas.sorted { $0.id < $1.id } == original.personas.sorted { $0.id < $1.id })
        #expect(loaded.workspace.journeys.sorted { $0.id < $1.id } == original.journeys.sorted { $0.id < $1.id })
        #expect(loaded.workspace.name == original.name)
    }

    @Test("a lone journey or persona file loads as one object, whatever folder it is in")
    func singleObjectFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wayfinder-single-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let workspace = WorkspaceTemplate.retail.workspace
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let journeyFile = directory + "/map.yaml", personaFile = directory + "/who.json"
        try WorkspaceCodec.text(workspace.journeys[0], syntax: .yaml).write(toFile: journeyFile, atomically: true, encoding: .utf8)
        try WorkspaceCodec.text(workspace.personas[0], syntax: .json).write(toFile: personaFile, atomically: true, encoding: .utf8)
        let loaded = WorkspaceLoader.load([journeyFile, personaFile])
        #expect(loaded.workspace.journeys == [workspace.journeys[0]])
        #expect(loaded.workspace.personas == [workspace.personas[0]])
        #expect(!loaded.diagnostics.contains { $0.code == "unknown-key" })
    }

    @Test("order of personas, touchpoints, demographics and conditions is kept")
    func orderIsKept() throws {
        let yaml = """
        version: 1
        personas:
          - { id: zed, name: Zed, demographics: { zone: north, age: 40, active: true } }
          - { id: amy, name: Amy, match: { traits: { b: 1, a: { in: [x, y] }, c: { exists: false } } } }
        journeys:
          - id: j
            title: J
            goal: z
            touchpoints:
              - { id: z, name: Z, stage: awareness, channel: web, match: { event: "Z*", properties: { b: 2, a: { gte: 1.5 } } } }
              - { id: a, name: A, stage: awareness, channel: web }
              - { id: m, name: M, stage: consideration, channel: web }
              - { id: d, name: D, stage: decision, channel: web }
              - { id: r, name: R, stage: retention, channel: web }
              - { id: v, name: V, stage: advocacy, channel: web }
        """
        let workspace = try #require(WorkspaceCodec.decode(yaml, file: "o.yaml").workspace)
        #expect(workspace.personas.map(\.id) == ["zed", "amy"])
        #expect(workspace.personas[0].demographics.map(\.key) == ["zone", "age", "active"])
        #expect(workspace.personas[0].demographics.map(\.value) == [.string("north"), .number(40), .bool(true)])
        #expect(workspace.personas[1].match?.traits.map(\.path) == ["b", "a", "c"])
        #expect(workspace.personas[1].match?.traits[1].condition == .list(.in, [.string("x"), .string("y")]))
        #expect(workspace.journeys[0].touchpoints.map(\.id) == ["z", "a", "m", "d", "r", "v"])
        #expect(workspace.journeys[0].touchpoints[0].match?.properties.map(\.path) == ["b", "a"])
        #expect(workspace.journeys[0].touchpoints[0].match?.properties[1].condition == .comparison(.gte, .number(1.5)))
        let again = try #require(WorkspaceCodec.decode(WorkspaceCodec.yaml(workspace), file: "again.yaml").workspace)
        #expect(again == workspace)
    }

    @Test("strings that look like other YAML values survive", arguments: [
        "yes", "no", "null", "~", "true", "1.0", "0x1F", "2026-01-01", "- dash", ": colon", "a: b", "#hash", "a #b", " padded ",
        "line\nbreak", "tab\there", "quote \" and \\ backslash", "[flow]", "{map}", "*alias", "&anchor", "!tag", "%", "@at", "`tick",
        "emoji 🎉 and 中文", "עברית", "", "…", "\u{7}bell", "NaN", ".inf", "0123", "+1", "1e5", "=SUM(A1)",
        "l-  *1e-999", "a *b", "x &y", "x !z", "- *a", "e****[***,*eee99", "a[b, *c", "a{*b", "a]b, *c",
        "journeys[\u{322}.touchpoints", "a:\u{322} b", "a: \u{322}b", "a #\u{322}", "x\t#y", "a:\tb",
    ])
    func awkwardStrings(text: String) throws {
        var workspace = Workspace(personas: [Persona(id: "p", name: text.isEmpty ? "x" : text, quote: text, goals: [text])])
        workspace.personas[0].demographics = [(key: text.isEmpty ? "k" : text, value: .string(text))]
        for syntax in DocumentReader.Syntax.allCases {
            let written = WorkspaceCodec.text(workspace, syntax: syntax)
            let decoded = WorkspaceCodec.decode(Array(written.utf8), file: "s.\(syntax.rawValue)", syntax: syntax)
            #expect(decoded.diagnostics.isEmpty, "\(syntax): \(decoded.diagnostics.map(\.formatted)) in \(written)")
            #expect(decoded.workspace == workspace, "\(syntax): \(written)")
        }
    }
}

/// A document tree compared by content only: scalars by text (quoting is a writing choice),
/// a card mapping with only `text` equal to its text.
struct Normalized: Equatable {
    indirect enum Value: Equatable {
        case scalar(String)
        case null
        case list([Value])
        case map([String: Value])
    }

    let value: Value

    init(_ node: DocumentNode) {
        value = Self.normalize(node)
    }

    static func normalize(_ node: DocumentNode) -> Value {
        switch node.value {
        case .null: return .null
        case .scalar(let text, _): return .scalar(text)
        case .sequence(let items): return .list(items.map(normalize))
        case .mapping(let entries):
            if entries.count == 1, entries[0].key == "text", case .scalar(let text, _) = entries[0].value.value { return .scalar(text) }
            var map: [String: Value] = [:]
            for entry in entries where entry.value.value != .null { map[entry.key] = normalize(entry.value) }
            return .map(map)
        }
    }
}
