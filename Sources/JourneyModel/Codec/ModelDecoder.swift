/// Decodes model objects from document trees, reporting every problem.
extension DecodeContext {
    mutating func workspace(_ node: DocumentNode) -> Workspace? {
        guard let object = object(node, FormatSchema.workspace, "") else { return nil }
        var workspace = Workspace()
        if let version = integer(object["version"], "version") {
            if version != 1 {
                error("unsupported-version", object["version"], "version", "format version \(version) is not supported",
                      expected: "version: 1", suggestion: "this version of Wayfinder reads format version 1")
            }
            workspace.version = version
        }
        workspace.name = text(object["name"], "name")
        workspace.description = text(object["description"], "description")
        workspace.personas = list(object["personas"], "personas") { $0.persona($1, $2) }
        workspace.journeys = list(object["journeys"], "journeys") { $0.journey($1, $2) }
        return workspace
    }

    mutating func persona(_ node: DocumentNode, _ path: String) -> Persona? {
        guard let object = object(node, FormatSchema.persona, path) else { return nil }
        var persona = Persona(id: identifier(object["id"], object.path("id")) ?? "", name: text(object["name"], object.path("name")) ?? "")
        persona.photo = text(object["photo"], object.path("photo"))
        persona.quote = text(object["quote"], object.path("quote"))
        persona.background = text(object["background"], object.path("background"))
        persona.demographics = map(object["demographics"], object.path("demographics")) { context, _, value, valuePath in
            context.scalarValue(value, valuePath)
        }.map { (key: $0.0, value: $0.1) }
        persona.goals = texts(object["goals"], object.path("goals"))
        persona.challenges = texts(object["challenges"], object.path("challenges"))
        persona.preferences = texts(object["preferences"], object.path("preferences"))
        persona.channels = texts(object["channels"], object.path("channels"))
        if let matchNode = object["match"], matchNode.value != .null, let match = self.object(matchNode, FormatSchema.personaMatch, object.path("match")) {
            persona.match = PersonaMatch(traits: conditions(match["traits"], match.path("traits")))
        }
        return persona
    }

    mutating func journey(_ node: DocumentNode, _ path: String) -> JourneyMap? {
        guard let object = object(node, FormatSchema.journey, path) else { return nil }
        var journey = JourneyMap(id: identifier(object["id"], object.path("id")) ?? "", title: text(object["title"], object.path("title")) ?? "")
        journey.description = text(object["description"], object.path("description"))
        journey.personas = list(object["personas"], object.path("personas")) { $0.identifier($1, $2) }
        journey.state = enumeration(object["state"], object.path("state"), as: JourneyMap.State.self) ?? .current
        journey.improves = identifier(object["improves"], object.path("improves"))
        journey.liveFrom = date(object["live_from"], object.path("live_from"))
        journey.objective = text(object["objective"], object.path("objective"))
        if let scaleNode = object["emotion_scale"], scaleNode.value != .null,
           let scale = self.object(scaleNode, FormatSchema.emotionScale, object.path("emotion_scale")) {
            journey.emotionScale = EmotionScale(min: number(scale["min"], scale.path("min")) ?? -2, max: number(scale["max"], scale.path("max")) ?? 2)
        }
        journey.goal = identifier(object["goal"], object.path("goal"))
        if let stages = object["stages"], stages.value != .null {
            journey.stages = list(stages, object.path("stages")) { $0.stage($1, $2) }
        }
        journey.touchpoints = list(object["touchpoints"], object.path("touchpoints")) { $0.touchpoint($1, $2) }
        journey.lanes = list(object["lanes"], object.path("lanes")) { $0.lane($1, $2) }
        return journey
    }

    mutating func stage(_ node: DocumentNode, _ path: String) -> Stage? {
        guard let object = object(node, FormatSchema.stage, path) else { return nil }
        return Stage(id: identifier(object["id"], object.path("id")) ?? "", name: text(object["name"], object.path("name")) ?? "",
                     description: text(object["description"], object.path("description")))
    }

    mutating func touchpoint(_ node: DocumentNode, _ path: String) -> Touchpoint? {
        guard let object = object(node, FormatSchema.touchpoint, path) else { return nil }
        var touchpoint = Touchpoint(
            id: identifier(object["id"], object.path("id")) ?? "", name: text(object["name"], object.path("name")) ?? "",
            stage: identifier(object["stage"], object.path("stage")) ?? "", channel: text(object["channel"], object.path("channel")) ?? "")
        touchpoint.description = text(object["description"], object.path("description"))
        if let matchNode = object["match"], matchNode.value != .null {
            touchpoint.match = eventMatch(matchNode, object.path("match"))
        }
        touchpoint.actions = list(object["actions"], object.path("actions")) { $0.card($1, $2) }
        touchpoint.thoughts = list(object["thoughts"], object.path("thoughts")) { $0.card($1, $2) }
        touchpoint.questions = list(object["questions"], object.path("questions")) { $0.card($1, $2) }
        touchpoint.emotion = number(object["emotion"], object.path("emotion"))
        touchpoint.painPoints = list(object["pain_points"], object.path("pain_points")) { $0.painPoint($1, $2) }
        touchpoint.opportunities = list(object["opportunities"], object.path("opportunities")) { $0.opportunity($1, $2) }
        touchpoint.owner = text(object["owner"], object.path("owner"))
        touchpoint.kpis = list(object["kpis"], object.path("kpis")) { $0.kpi($1, $2) }
        touchpoint.evidence = enumeration(object["evidence"], object.path("evidence"), as: Evidence.self)
        touchpoint.source = text(object["source"], object.path("source"))
        return touchpoint
    }

    mutating func eventMatch(_ node: DocumentNode, _ path: String) -> EventMatch? {
        guard let object = object(node, FormatSchema.eventMatch, path) else { return nil }
        var match = EventMatch()
        match.event = text(object["event"], object.path("event"))
        match.type = enumeration(object["type"], object.path("type"), as: EventMatch.EventType.self)
        match.channel = text(object["channel"], object.path("channel"))
        match.properties = conditions(object["properties"], object.path("properties"))
        if match.event == nil, match.type == nil, match.channel == nil, match.properties.isEmpty {
            error("empty-match", node, path, "the match rule selects every event",
                  expected: "at least one of 'event', 'type', 'channel' or 'properties'", suggestion: "add 'event: \"Event Name\"'")
        }
        return match
    }

    mutating func conditions(_ node: DocumentNode?, _ path: String) -> [FieldCondition] {
        map(node, path) { context, key, value, valuePath in
            context.condition(value, valuePath).map { FieldCondition(path: key, condition: $0) }
        }.map(\.1)
    }

    mutating func condition(_ node: DocumentNode, _ path: String) -> Condition? {
        guard let entries = node.entries else {
            return scalarValue(node, path).map { Condition.equals($0) }
        }
        let names = Condition.Operator.allCases.map(\.rawValue)
        guard entries.count == 1, let entry = entries.first else {
            error("invalid-condition", node, path, "an operator object must hold exactly one operator, found \(entries.count)",
                  expected: "one of \(names.map { "'\($0)'" }.joined(separator: ", ")), such as '{ gte: 100 }'",
                  suggestion: entries.isEmpty ? nil : "split it into one condition per path")
            return nil
        }
        let operandPath = join(path, entry.key)
        guard let op = Condition.Operator(rawValue: entry.key) else {
            diagnostics.append(Diagnostic(
                .error, code: "unknown-operator", at: entry.keyLocation ?? node.location, file: file, path: operandPath,
                message: "unknown operator '\(entry.key)'", expected: "one of \(names.map { "'\($0)'" }.joined(separator: ", "))",
                suggestion: Suggestions.closest(to: entry.key, in: names).map { "did you mean '\($0)'?" }))
            return nil
        }
        switch op {
        case .in, .notIn:
            guard case .sequence = entry.value.value else {
                error("invalid-condition", entry.value, operandPath, "'\(op.rawValue)' needs a list, found \(entry.value.kindDescription)",
                      expected: "a list such as '[a, b]'")
                return nil
            }
            return .list(op, list(entry.value, operandPath) { $0.scalarValue($1, $2) })
        case .exists:
            guard case .scalar(let text, false) = entry.value.value, text == "true" || text == "false" else {
                error("invalid-condition", entry.value, operandPath, "'exists' needs true or false, found \(entry.value.kindDescription)",
                      expected: "true or false")
                return nil
            }
            return .exists(text == "true")
        case .gt, .gte, .lt, .lte:
            guard let value = number(entry.value, operandPath) else { return nil }
            return .comparison(op, .number(value))
        case .regex:
            guard let pattern = text(entry.value, operandPath) else { return nil }
            if let problem = PatternCheck.regexProblem(pattern) {
                error("invalid-regex", entry.value, operandPath, "invalid regular expression: \(problem)",
                      expected: "a regular expression such as '^/checkout'")
            }
            return .comparison(op, .string(pattern))
        case .eq, .ne, .contains:
            return scalarValue(entry.value, operandPath).map { .comparison(op, $0) }
        }
    }

    mutating func card(_ node: DocumentNode, _ path: String) -> Card? {
        if case .scalar(let text, _) = node.value { return Card(text) }
        if node.value == .null {
            error("wrong-type", node, path, "empty card", expected: "text, or '{ text: …, evidence: observed }'")
            return nil
        }
        guard node.entries != nil else {
            error("wrong-type", node, path, "a card must be text or a mapping, found \(node.kindDescription)",
                  expected: "text, or '{ text: …, evidence: observed }'")
            return nil
        }
        guard let object = object(node, FormatSchema.card, path) else { return nil }
        return Card(text(object["text"], object.path("text")) ?? "",
                    evidence: enumeration(object["evidence"], object.path("evidence"), as: Evidence.self),
                    source: text(object["source"], object.path("source")))
    }

    mutating func painPoint(_ node: DocumentNode, _ path: String) -> PainPoint? {
        if case .scalar(let text, _) = node.value { return PainPoint(text) }
        guard let object = object(node, FormatSchema.painPoint, path) else { return nil }
        return PainPoint(text(object["text"], object.path("text")) ?? "",
                         severity: enumeration(object["severity"], object.path("severity"), as: PainPoint.Severity.self),
                         evidence: enumeration(object["evidence"], object.path("evidence"), as: Evidence.self),
                         source: text(object["source"], object.path("source")))
    }

    mutating func opportunity(_ node: DocumentNode, _ path: String) -> Opportunity? {
        if case .scalar(let text, _) = node.value { return Opportunity(text) }
        guard let object = object(node, FormatSchema.opportunity, path) else { return nil }
        return Opportunity(text(object["text"], object.path("text")) ?? "",
                           owner: text(object["owner"], object.path("owner")),
                           status: enumeration(object["status"], object.path("status"), as: Opportunity.Status.self),
                           priority: enumeration(object["priority"], object.path("priority"), as: Opportunity.Priority.self),
                           evidence: enumeration(object["evidence"], object.path("evidence"), as: Evidence.self),
                           source: text(object["source"], object.path("source")))
    }

    mutating func kpi(_ node: DocumentNode, _ path: String) -> KPI? {
        guard let object = object(node, FormatSchema.kpi, path) else { return nil }
        return KPI(name: text(object["name"], object.path("name")) ?? "", target: number(object["target"], object.path("target")),
                   unit: text(object["unit"], object.path("unit")))
    }

    mutating func lane(_ node: DocumentNode, _ path: String) -> FreeLane? {
        guard let object = object(node, FormatSchema.lane, path) else { return nil }
        let cards = map(object["cards"], object.path("cards")) { context, _, value, valuePath in context.card(value, valuePath) }
        return FreeLane(id: identifier(object["id"], object.path("id")) ?? "", name: text(object["name"], object.path("name")) ?? "",
                        cards: cards.map { (touchpoint: $0.0, card: $0.1) })
    }
}
