import JourneyModel

/// Where a rule path puts its value in an event, following ``Event/value(at:)``.
enum FieldTarget: Equatable {
    case name
    case type
    case channel
    case properties(String)
    case context(String)
    case traits(String)
    /// A path on an identity field (`userId`, `anonymousId`, `messageId`), which the generator owns.
    case identity

    init(path: String) {
        guard let dot = path.firstIndex(of: ".") else {
            switch path {
            case "event", "name": self = .name
            case "type": self = .type
            case "channel": self = .channel
            case "userId", "anonymousId", "messageId": self = .identity
            default: self = .properties(path)
            }
            return
        }
        let rest = String(path[path.index(after: dot)...])
        switch path[..<dot] {
        case "context": self = .context(rest)
        case "properties": self = .properties(rest)
        case "traits": self = .traits(rest)
        default: self = .properties(path)
        }
    }
}

/// An event shape synthesised from a match rule, checked once, and stamped out per visit.
struct EventTemplate: Equatable {
    /// A field that gets a unique id per event (`order_id`), so ids never repeat across customers.
    struct Slot: Equatable {
        var inContext: Bool
        var path: String
        var prefix: String
    }

    var kind: Event.Kind
    var name: String?
    var context: JSONValue
    var properties: JSONValue
    var slots: [Slot] = []
    /// For feedback templates: the metric, and the scores that keep the event in its touchpoint.
    var metric: Feedback.Metric?
    var scores: [Int] = []

    /// The channel in the template's context.
    var channel: String? { context["channel"]?.text }

    /// The placeholder a slot holds until an event is stamped.
    static func placeholder(_ prefix: String) -> String { prefix + "00000000" }

    /// The template's event with slots filled from `ordinal` and, for feedback, `score`.
    func stamp(ordinal: UInt64, score: Int?) -> (context: JSONValue, properties: JSONValue) {
        var context = self.context, properties = self.properties
        for slot in slots {
            let value = JSONValue.string(slot.prefix + IdToken.base36(IdToken.mix40(ordinal), width: 8, uppercase: true))
            if slot.inContext { context = context.setting(path: slot.path, to: value) } else { properties = properties.setting(path: slot.path, to: value) }
        }
        if let score { properties = properties.setting("score", to: .number(Double(score))) }
        return (context, properties)
    }

    /// An event for checking the template against the matcher.
    func sampleEvent(score: Int? = nil) -> Event {
        let (context, properties) = stamp(ordinal: 0, score: score)
        return Event(type: kind, name: name, messageId: "check", timestamp: 0, anonymousId: "check", context: context, properties: properties)
    }

    /// Synthesises a template from a touchpoint's rule, or nil when a condition cannot be met.
    static func synthesize(for touchpoint: Touchpoint, using random: inout ScenarioRandom) -> EventTemplate? {
        guard let rule = touchpoint.match else { return nil }
        let kind = rule.type.flatMap { Event.Kind(rawValue: $0.rawValue) } ?? .track
        guard kind != .alias else { return nil }
        var name = rule.event.map { PatternCheck.isGlob($0) ? ValueSynthesizer.glob($0, using: &random) : $0 }
        if name == nil, kind != .identify, kind != .group { name = touchpoint.name }
        var template = EventTemplate(kind: kind, name: name, context: .object([("channel", .string(rule.channel ?? touchpoint.channel))]),
                                     properties: .object([]))
        var groups: [(path: String, conditions: [Condition])] = []
        for condition in rule.properties {
            if let index = groups.firstIndex(where: { $0.path == condition.path }) {
                groups[index].conditions.append(condition.condition)
            } else {
                groups.append((condition.path, [condition.condition]))
            }
        }
        for group in groups {
            let target = FieldTarget(path: group.path)
            let value: JSONValue
            switch ValueSynthesizer.synthesize(group.conditions, path: group.path, using: &random) {
            case .absent: continue
            case .unsupported: return nil
            case .value(let synthesised): value = synthesised
            case .slot(let prefix):
                value = .string(placeholder(prefix))
                switch target {
                case .properties(let path): template.slots.append(Slot(inContext: false, path: path, prefix: prefix))
                case .context(let path): template.slots.append(Slot(inContext: true, path: path, prefix: prefix))
                default: break
                }
            }
            switch target {
            case .name: template.name = value.text
            case .type:
                guard let text = value.text, let parsed = Event.Kind(rawValue: text), parsed != .alias else { return nil }
                template.kind = parsed
            case .channel: template.context = template.context.setting("channel", to: value)
            case .properties(let path): template.properties = template.properties.setting(path: path, to: value)
            case .context(let path): template.context = template.context.setting(path: path, to: value)
            case .traits, .identity: return nil
            }
        }
        if template.kind == .feedback {
            if template.properties["metric"] == nil { template.properties = template.properties.setting("metric", to: .string("nps")) }
            guard let text = template.properties["metric"]?.text, let metric = Feedback.Metric(rawValue: text.lowercased()) else { return nil }
            template.metric = metric
            if template.properties["touchpoint"] == nil {
                template.properties = template.properties.setting("touchpoint", to: RecordReader.typed(touchpoint.id))
            }
            if let range = metric.range, template.properties["score"] == nil {
                template.properties = template.properties.setting("score", to: .number(range.upperBound))
            } else if metric.range == nil, template.properties["text"] == nil {
                template.properties = template.properties.setting("text", to: .string(FeedbackModel.comments[0]))
            }
        }
        return template
    }
}
