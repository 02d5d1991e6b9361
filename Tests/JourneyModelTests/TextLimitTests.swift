import Foundation
import JourneyModel
import Testing

/// One text field of the format written one character over its limit.
struct LimitCase: CustomTestStringConvertible, Sendable {
    /// `Object.key` in ``FormatSchema``.
    var field: String
    /// The workspace, with `@@` where the long text goes.
    var template: String
    /// The key path of the diagnostic.
    var path: String
    var limit: Int
    /// Where the diagnostic points when not at the long text itself: the last occurrence of this token.
    var token: String? = nil

    var testDescription: String { "\(field) at \(path)" }

    /// The workspace with a text of `length` characters (a key when the template says so).
    func yaml(_ length: Int) -> String {
        // No commas or colons: the text also goes into flow lists and mappings.
        let pattern = "Sizes run small so order one up. "
        var text = String(repeating: pattern, count: length / pattern.count + 1).prefix(length)
        if text.last == " " { text = text.dropLast() + "." }
        return template.replacingFirst("@@", with: template.contains("@@:") ? String(text).replacingOccurrences(of: " ", with: "_") : String(text))
    }
}

@Suite("Text limits")
struct TextLimitTests {
    static let name = TextLimit.name, text = TextLimit.text, description = TextLimit.description

    static let cases: [LimitCase] = [
        LimitCase(field: "Workspace.name", template: workspace().replacingFirst("version: 1", with: "version: 1\nname: @@"), path: "name", limit: name),
        LimitCase(field: "Workspace.description", template: workspace().replacingFirst("version: 1", with: "version: 1\ndescription: @@"),
                  path: "description", limit: description),
        LimitCase(field: "Persona.name", template: workspace(personas: "  - { id: eve, name: @@ }"), path: "personas[1].name", limit: name),
        LimitCase(field: "Persona.photo", template: workspace(personas: "    photo: @@"), path: "personas[0].photo", limit: text),
        LimitCase(field: "Persona.quote", template: workspace(personas: "    quote: @@"), path: "personas[0].quote", limit: text),
        LimitCase(field: "Persona.background", template: workspace(personas: "    background: @@"), path: "personas[0].background", limit: description),
        LimitCase(field: "Persona.demographics", template: workspace(personas: "    demographics: { age: 25-34, income: @@ }"),
                  path: "personas[0].demographics.income", limit: TextLimit.value, token: "income: "),
        LimitCase(field: "Persona.demographics", template: workspace(personas: "    demographics: { @@: 1 }"), path: "personas[0].demographics",
                  limit: TextLimit.key),
        LimitCase(field: "Persona.goals", template: workspace(personas: "    goals: [Fit, @@]"), path: "personas[0].goals[1]", limit: text),
        LimitCase(field: "Persona.challenges", template: workspace(personas: "    challenges: [@@]"), path: "personas[0].challenges[0]", limit: text),
        LimitCase(field: "Persona.preferences", template: workspace(personas: "    preferences: [@@]"), path: "personas[0].preferences[0]", limit: text),
        LimitCase(field: "Persona.channels", template: workspace(personas: "    channels: [web, @@]"), path: "personas[0].channels[1]", limit: name),
        LimitCase(field: "PersonaMatch.traits", template: workspace(personas: "    match: { traits: { segment: @@ } }"),
                  path: "personas[0].match.traits.segment", limit: TextLimit.value, token: "segment: "),
        LimitCase(field: "Journey.title", template: workspace().replacingFirst("title: First purchase", with: "title: @@"), path: "journeys[0].title", limit: name),
        LimitCase(field: "Journey.description", template: workspace(journey: "    description: @@"), path: "journeys[0].description", limit: description),
        LimitCase(field: "Journey.objective", template: workspace(journey: "    objective: @@"), path: "journeys[0].objective", limit: text),
        LimitCase(field: "Stage.name", template: workspace().replacingFirst("{ id: decision, name: Decision }", with: "{ id: decision, name: @@ }"),
                  path: "journeys[0].stages[1].name", limit: name),
        LimitCase(field: "Stage.description", template: workspace().replacingFirst("{ id: decision, name: Decision }", with: "{ id: decision, name: D, description: @@ }"),
                  path: "journeys[0].stages[1].description", limit: description),
        LimitCase(field: "Touchpoint.name", template: workspace(touchpoints: "      - { id: third, name: @@, stage: decision, channel: web }"),
                  path: "journeys[0].touchpoints[2].name", limit: name),
        LimitCase(field: "Touchpoint.channel", template: workspace().replacingFirst("channel: web", with: "channel: @@"),
                  path: "journeys[0].touchpoints[1].channel", limit: name),
        LimitCase(field: "Touchpoint.description", template: workspace(touchpoints: "        description: @@"), path: "journeys[0].touchpoints[1].description",
                  limit: description),
        LimitCase(field: "Touchpoint.owner", template: workspace(touchpoints: "        owner: @@"), path: "journeys[0].touchpoints[1].owner", limit: name),
        LimitCase(field: "Touchpoint.source", template: workspace(touchpoints: "        source: @@"), path: "journeys[0].touchpoints[1].source", limit: text),
        LimitCase(field: "Touchpoint.actions", template: workspace(touchpoints: "        actions: [Pays, @@]"), path: "journeys[0].touchpoints[1].actions[1]",
                  limit: text),
        LimitCase(field: "Touchpoint.thoughts", template: workspace(touchpoints: "        thoughts:\n          - @@"), path: "journeys[0].touchpoints[1].thoughts[0]",
                  limit: text),
        LimitCase(field: "Touchpoint.questions", template: workspace(touchpoints: "        questions: [@@]"), path: "journeys[0].touchpoints[1].questions[0]",
                  limit: text),
        LimitCase(field: "Touchpoint.pain_points", template: workspace(touchpoints: "        pain_points: [@@]"),
                  path: "journeys[0].touchpoints[1].pain_points[0].text", limit: text),
        LimitCase(field: "Touchpoint.opportunities", template: workspace(touchpoints: "        opportunities: [@@]"),
                  path: "journeys[0].touchpoints[1].opportunities[0].text", limit: text),
        LimitCase(field: "EventMatch.event", template: workspace(touchpoints: "        match: { event: @@ }"), path: "journeys[0].touchpoints[1].match.event",
                  limit: text),
        LimitCase(field: "EventMatch.channel", template: workspace(touchpoints: "        match: { channel: @@ }"),
                  path: "journeys[0].touchpoints[1].match.channel", limit: name),
        LimitCase(field: "EventMatch.properties", template: workspace(touchpoints: "        match: { event: Paid, properties: { path: { regex: @@ } } }"),
                  path: "journeys[0].touchpoints[1].match.properties.path.regex", limit: TextLimit.value, token: "path: "),
        LimitCase(field: "EventMatch.properties", template: workspace(touchpoints: "        match: { event: Paid, properties: { @@: web } }"),
                  path: "journeys[0].touchpoints[1].match.properties", limit: TextLimit.key),
        LimitCase(field: "Card.text", template: workspace(touchpoints: "        actions: [{ text: @@, evidence: observed }]"),
                  path: "journeys[0].touchpoints[1].actions[0].text", limit: text),
        LimitCase(field: "Card.source", template: workspace(touchpoints: "        actions: [{ text: Pays, source: @@ }]"),
                  path: "journeys[0].touchpoints[1].actions[0].source", limit: text),
        LimitCase(field: "PainPoint.text", template: workspace(touchpoints: "        pain_points: [{ text: @@, severity: high }]"),
                  path: "journeys[0].touchpoints[1].pain_points[0].text", limit: text),
        LimitCase(field: "PainPoint.source", template: workspace(touchpoints: "        pain_points: [{ text: Slow, source: @@ }]"),
                  path: "journeys[0].touchpoints[1].pain_points[0].source", limit: text),
        LimitCase(field: "Opportunity.text", template: workspace(touchpoints: "        opportunities: [{ text: @@, priority: high }]"),
                  path: "journeys[0].touchpoints[1].opportunities[0].text", limit: text),
        LimitCase(field: "Opportunity.owner", template: workspace(touchpoints: "        opportunities: [{ text: Faster, owner: @@ }]"),
                  path: "journeys[0].touchpoints[1].opportunities[0].owner", limit: name),
        LimitCase(field: "Opportunity.source", template: workspace(touchpoints: "        opportunities: [{ text: Faster, source: @@ }]"),
                  path: "journeys[0].touchpoints[1].opportunities[0].source", limit: text),
        LimitCase(field: "KPI.name", template: workspace(touchpoints: "        kpis: [{ name: @@, target: 3 }]"), path: "journeys[0].touchpoints[1].kpis[0].name",
                  limit: name),
        LimitCase(field: "KPI.unit", template: workspace(touchpoints: "        kpis: [{ name: Orders, unit: @@ }]"), path: "journeys[0].touchpoints[1].kpis[0].unit",
                  limit: name),
        LimitCase(field: "Lane.name", template: workspace(touchpoints: "    lanes:\n      - { id: backstage, name: @@, cards: { ad: Paid } }"),
                  path: "journeys[0].lanes[0].name", limit: name),
        LimitCase(field: "Lane.cards", template: workspace(touchpoints: "    lanes:\n      - { id: backstage, name: Backstage, cards: { ad: @@ } }"),
                  path: "journeys[0].lanes[0].cards.ad", limit: text, token: "ad: Sizes"),
    ]

    /// Every field of the format that holds text, as `Object.key`.
    static var textFields: Set<String> {
        var fields: Set<String> = []
        for object in FormatSchema.objects {
            for field in object.fields {
                switch field.type {
                case .identifier, .list(.identifier), .enumeration, .integer, .number, .date: continue
                case .list(.object(let name)) where !["PainPoint", "Opportunity"].contains(name): continue
                case .object: continue
                default: fields.insert("\(object.name).\(field.key)")
                }
            }
        }
        return fields
    }

    @Test("every text field of the format has a case here and a maximum length")
    func everyFieldCovered() {
        #expect(Self.textFields == Set(Self.cases.map(\.field)), "missing: \(Self.textFields.subtracting(Self.cases.map(\.field)).sorted())")
        for object in FormatSchema.objects {
            for field in object.fields where Self.textFields.contains("\(object.name).\(field.key)") {
                if case .map = field.type { continue }
                if case .list(.object) = field.type { continue }
                #expect(field.maxLength != nil, "\(object.name).\(field.key)")
            }
        }
    }

    @Test("a text one character over its limit is an error at its file, line and column", arguments: cases)
    func overLimit(_ limitCase: LimitCase) {
        let yaml = limitCase.yaml(limitCase.limit + 1)
        let diagnostics = diagnose(yaml)
        let tooLong = diagnostics.filter { $0.code == "too-long" }
        #expect(tooLong.count == 1, "\(diagnostics.map(\.formatted))")
        #expect(diagnostics.filter { $0.severity == .error }.count == tooLong.count, "\(diagnostics.map(\.formatted))")
        guard let error = tooLong.first else { return }
        // The diagnostic points at the long text (or key) itself, unless the case names another token.
        let at: BrokenCase.Position = limitCase.token.map { .token($0) } ?? .explicit(Self.position(of: "@@", in: limitCase.template).line,
                                                                                     Self.position(of: "@@", in: limitCase.template).column)
        let expected = BrokenCase(name: limitCase.field, yaml: yaml, code: "too-long", at: at, message: "").expected
        #expect(error.path == limitCase.path, "\(error.formatted)")
        #expect(error.file == "limits.yaml")
        #expect((error.line, error.column) == (expected.line, expected.column), "\(error.formatted)")
        #expect(error.message.hasSuffix("is \(Self.grouped(limitCase.limit + 1)) characters long, more than the \(Self.grouped(limitCase.limit)) allowed"),
                "\(error.formatted)")
        #expect(error.formatted.hasPrefix("limits.yaml:\(expected.line):\(expected.column): error: "))
    }

    @Test("a text exactly at its limit passes", arguments: cases)
    func atLimit(_ limitCase: LimitCase) {
        let diagnostics = diagnose(limitCase.yaml(limitCase.limit))
        #expect(!diagnostics.hasErrors, "\(diagnostics.map(\.formatted))")
    }

    @Test("length counts characters (code points), not bytes")
    func countsCodePoints() {
        let yaml = workspace(personas: "    quote: \(String(repeating: "é", count: TextLimit.text))")
        #expect(!diagnose(yaml).hasErrors)
        #expect(diagnose(yaml.replacingFirst("quote: é", with: "quote: éé")).contains { $0.code == "too-long" })
    }

    @Test("the JSON Schema gives the same limits")
    func schemaLimits() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(JSONSchemaGenerator.json().utf8)) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any])
        func property(_ object: String, _ key: String) -> [String: Any]? {
            ((definitions[object] as? [String: Any])?["properties"] as? [String: Any])?[key] as? [String: Any]
        }
        #expect(property("Touchpoint", "name")?["maxLength"] as? Int == TextLimit.name)
        #expect(property("Persona", "background")?["maxLength"] as? Int == TextLimit.description)
        #expect((property("Persona", "goals")?["items"] as? [String: Any])?["maxLength"] as? Int == TextLimit.text)
        let actions = try #require((property("Touchpoint", "actions")?["items"] as? [String: Any])?["anyOf"] as? [[String: Any]])
        #expect(actions.first?["maxLength"] as? Int == TextLimit.text)
        let pains = try #require((property("Touchpoint", "pain_points")?["items"] as? [String: Any])?["anyOf"] as? [[String: Any]])
        #expect(pains.first?["maxLength"] as? Int == TextLimit.text)
        #expect(property("Card", "text")?["maxLength"] as? Int == TextLimit.text)
        #expect((property("Persona", "demographics")?["propertyNames"] as? [String: Any])?["maxLength"] as? Int == TextLimit.key)
        #expect((definitions["Scalar"] as? [String: Any])?["maxLength"] as? Int == TextLimit.value)
        #expect(property("Persona", "id")?["maxLength"] as? Int == TextLimit.identifier)
    }

    /// Line and column of the first occurrence of `token`.
    static func position(of token: String, in text: String) -> (line: Int, column: Int) {
        BrokenCase(name: "", yaml: text, code: "", at: .token(token), message: "").expected
    }

    /// `2,001`.
    static func grouped(_ value: Int) -> String {
        value >= 1_000 ? "\(value / 1_000),\(String(repeating: "0", count: 3 - String(value % 1_000).count))\(value % 1_000)" : String(value)
    }

    func diagnose(_ text: String) -> [Diagnostic] {
        let decoded = WorkspaceCodec.decode(Array(text.utf8), file: "limits.yaml")
        var diagnostics = decoded.diagnostics
        if let workspace = decoded.workspace {
            diagnostics += WorkspaceValidator.validate(workspace, sourceMap: decoded.sourceMap)
        }
        return diagnostics
    }
}
