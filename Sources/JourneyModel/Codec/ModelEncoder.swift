/// Turns model values into ordered document trees, keys in canonical order.
enum ModelEncoder {
    static func workspace(_ workspace: Workspace) -> DocumentNode {
        .mapping([
            ("version", .number(Double(workspace.version))),
            ("name", workspace.name.map(DocumentNode.string)),
            ("description", workspace.description.map(DocumentNode.string)),
            ("personas", workspace.personas.isEmpty ? nil : .sequence(workspace.personas.map(persona))),
            ("journeys", workspace.journeys.isEmpty ? nil : .sequence(workspace.journeys.map(journey))),
        ])
    }

    static func persona(_ persona: Persona) -> DocumentNode {
        .mapping([
            ("id", .string(persona.id)),
            ("name", .string(persona.name)),
            ("photo", persona.photo.map(DocumentNode.string)),
            ("quote", persona.quote.map(DocumentNode.string)),
            ("background", persona.background.map(DocumentNode.string)),
            ("demographics", persona.demographics.isEmpty ? nil : .mapping(persona.demographics.map { ($0.key, scalar($0.value)) })),
            ("goals", texts(persona.goals)),
            ("challenges", texts(persona.challenges)),
            ("preferences", texts(persona.preferences)),
            ("channels", texts(persona.channels)),
            ("match", persona.match.map { .mapping([("traits", conditions($0.traits) ?? .mapping([]))]) }),
        ])
    }

    static func journey(_ journey: JourneyMap) -> DocumentNode {
        .mapping([
            ("id", .string(journey.id)),
            ("title", .string(journey.title)),
            ("description", journey.description.map(DocumentNode.string)),
            ("personas", texts(journey.personas)),
            ("state", .string(journey.state.rawValue)),
            ("improves", journey.improves.map(DocumentNode.string)),
            ("live_from", journey.liveFrom.map { DocumentNode.string($0.description) }),
            ("objective", journey.objective.map(DocumentNode.string)),
            ("emotion_scale", .mapping([("min", .number(journey.emotionScale.min)), ("max", .number(journey.emotionScale.max))])),
            ("goal", journey.goal.map(DocumentNode.string)),
            ("stages", .sequence(journey.stages.map { stage in
                .mapping([("id", .string(stage.id)), ("name", .string(stage.name)), ("description", stage.description.map(DocumentNode.string))])
            })),
            ("touchpoints", journey.touchpoints.isEmpty ? nil : .sequence(journey.touchpoints.map(touchpoint))),
            ("lanes", journey.lanes.isEmpty ? nil : .sequence(journey.lanes.map { lane in
                .mapping([
                    ("id", .string(lane.id)), ("name", .string(lane.name)),
                    ("cards", .mapping(lane.cards.map { ($0.touchpoint, card($0.card)) })),
                ])
            })),
        ])
    }

    static func touchpoint(_ touchpoint: Touchpoint) -> DocumentNode {
        .mapping([
            ("id", .string(touchpoint.id)),
            ("name", .string(touchpoint.name)),
            ("stage", .string(touchpoint.stage)),
            ("channel", .string(touchpoint.channel)),
            ("description", touchpoint.description.map(DocumentNode.string)),
            ("match", touchpoint.match.map(eventMatch)),
            ("actions", cards(touchpoint.actions)),
            ("thoughts", cards(touchpoint.thoughts)),
            ("questions", cards(touchpoint.questions)),
            ("emotion", touchpoint.emotion.map(DocumentNode.number)),
            ("pain_points", touchpoint.painPoints.isEmpty ? nil : .sequence(touchpoint.painPoints.map { pain in
                .mapping([
                    ("text", .string(pain.text)), ("severity", pain.severity.map { .string($0.rawValue) }),
                    ("evidence", pain.evidence.map { .string($0.rawValue) }), ("source", pain.source.map(DocumentNode.string)),
                ])
            })),
            ("opportunities", touchpoint.opportunities.isEmpty ? nil : .sequence(touchpoint.opportunities.map { opportunity in
                .mapping([
                    ("text", .string(opportunity.text)), ("owner", opportunity.owner.map(DocumentNode.string)),
                    ("status", opportunity.status.map { .string($0.rawValue) }), ("priority", opportunity.priority.map { .string($0.rawValue) }),
                    ("evidence", opportunity.evidence.map { .string($0.rawValue) }), ("source", opportunity.source.map(DocumentNode.string)),
                ])
            })),
            ("owner", touchpoint.owner.map(DocumentNode.string)),
            ("kpis", touchpoint.kpis.isEmpty ? nil : .sequence(touchpoint.kpis.map { kpi in
                .mapping([("name", .string(kpi.name)), ("target", kpi.target.map(DocumentNode.number)), ("unit", kpi.unit.map(DocumentNode.string))])
            })),
            ("evidence", touchpoint.evidence.map { .string($0.rawValue) }),
            ("source", touchpoint.source.map(DocumentNode.string)),
        ])
    }

    static func eventMatch(_ match: EventMatch) -> DocumentNode {
        .mapping([
            ("event", match.event.map(DocumentNode.string)),
            ("type", match.type.map { .string($0.rawValue) }),
            ("channel", match.channel.map(DocumentNode.string)),
            ("properties", conditions(match.properties)),
        ])
    }

    static func conditions(_ conditions: [FieldCondition]) -> DocumentNode? {
        conditions.isEmpty ? nil : .mapping(conditions.map { ($0.path, condition($0.condition)) })
    }

    static func condition(_ condition: Condition) -> DocumentNode {
        switch condition {
        case .equals(let value): scalar(value)
        case .comparison(let op, let value): .mapping([(op.rawValue, scalar(value))])
        case .list(let op, let values): .mapping([(op.rawValue, .sequence(values.map(scalar)))])
        case .exists(let flag): .mapping([("exists", .plain(flag ? "true" : "false"))])
        }
    }

    static func scalar(_ value: ScalarValue) -> DocumentNode {
        switch value {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .plain(flag ? "true" : "false")
        }
    }

    static func card(_ card: Card) -> DocumentNode {
        if card.evidence == nil, card.source == nil { return .string(card.text) }
        return .mapping([
            ("text", .string(card.text)), ("evidence", card.evidence.map { .string($0.rawValue) }), ("source", card.source.map(DocumentNode.string)),
        ])
    }

    static func cards(_ cards: [Card]) -> DocumentNode? { cards.isEmpty ? nil : .sequence(cards.map(card)) }

    static func texts(_ texts: [String]) -> DocumentNode? { texts.isEmpty ? nil : .sequence(texts.map(DocumentNode.string)) }
}
