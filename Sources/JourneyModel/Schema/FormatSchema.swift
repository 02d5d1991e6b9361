/// The journey-as-code format described as data.
///
/// The decoder checks keys against it, and the JSON Schema and the key
/// reference in `docs/` are generated from it, so the three cannot drift apart.
public enum FormatSchema {
    /// The type of a value.
    public indirect enum ValueType: Sendable, Equatable {
        case text
        /// A day written `YYYY-MM-DD`.
        case date
        case integer
        case number
        case identifier
        case enumeration([String])
        case list(ValueType)
        /// A mapping with free keys, each holding a value of this type.
        case map(ValueType)
        /// A named object of the format.
        case object(String)
        /// A card: text, or an object with text, evidence and source.
        case card
        /// A field condition: a scalar or an operator object.
        case condition
        /// A string, number or boolean.
        case scalar
    }

    /// One key of an object.
    public struct Field: Sendable {
        /// The key as written in files.
        public var key: String
        /// What it holds.
        public var type: ValueType
        /// Whether it must be present.
        public var required: Bool
        /// What it means.
        public var summary: String
        /// An example value in YAML.
        public var example: String?
        /// The longest text a value (each item, for a list) may hold, in characters (see ``TextLimit``);
        /// nil for fields without text of their own.
        public var maxLength: Int?
    }

    /// One object of the format.
    public struct Object: Sendable {
        /// The name used in messages, the schema's `$defs` and the reference.
        public var name: String
        /// What it is.
        public var summary: String
        /// Its keys in canonical order.
        public var fields: [Field]

        /// The keys, in canonical order.
        public var keys: [String] { fields.map(\.key) }

        /// The field for a key.
        public func field(_ key: String) -> Field? { fields.first { $0.key == key } }
    }

    static func field(_ key: String, _ type: ValueType, required: Bool = false, _ summary: String, example: String? = nil,
                      maxLength: Int? = nil) -> Field {
        Field(key: key, type: type, required: required, summary: summary, example: example, maxLength: maxLength ?? defaultMaxLength(type))
    }

    /// Names for plain text, card length for cards; other types hold no text of their own.
    static func defaultMaxLength(_ type: ValueType) -> Int? {
        switch type {
        case .text: TextLimit.name
        case .list(let element): defaultMaxLength(element)
        case .card, .map(.card): TextLimit.text
        default: nil
        }
    }

    /// The pattern ids must match.
    public static let identifierPattern = "^[a-z0-9]+(-[a-z0-9]+)*$"

    /// Stage ids used when a map names none.
    public static let evidenceValues = Evidence.allCases.map(\.rawValue)

    /// The top level of a workspace file.
    public static let workspace = Object(name: "Workspace", summary: "Personas and journey maps of one organisation.", fields: [
        field("version", .integer, required: true, "Format version. Always 1.", example: "1"),
        field("name", .text, "Display name of the workspace.", example: "Stride running shoes"),
        field("description", .text, "What the workspace covers.", maxLength: TextLimit.description),
        field("personas", .list(.object("Persona")), "Representative customers."),
        field("journeys", .list(.object("Journey")), "Journey maps, current and future state."),
    ])

    /// A persona.
    public static let persona = Object(name: "Persona", summary: "A named representative customer and the rule that assigns real customers to it.", fields: [
        field("id", .identifier, required: true, "Unique id in the workspace, lower-case letters, digits and hyphens.", example: "maya"),
        field("name", .text, required: true, "Display name.", example: "Maya, first-time runner"),
        field("photo", .text, "Path (relative to the file) or URL of a photo; an initials avatar is drawn otherwise.", example: "personas/maya.png", maxLength: TextLimit.text),
        field("quote", .text, "A quote in the persona's words.", example: "\"I want shoes that fit, delivered this week.\"", maxLength: TextLimit.text),
        field("background", .text, "Who they are.", maxLength: TextLimit.description),
        field("demographics", .map(.scalar), "Demographic facts, in the order written.", example: "{ age: 25-34, location: Leeds }"),
        field("goals", .list(.text), "What they want to achieve.", maxLength: TextLimit.text),
        field("challenges", .list(.text), "What stands in their way.", maxLength: TextLimit.text),
        field("preferences", .list(.text), "How they like to be served.", maxLength: TextLimit.text),
        field("channels", .list(.text), "Preferred channels, by channel id.", example: "[social, mobile-app, web]"),
        field("match", .object("PersonaMatch"), "Conditions over customer traits that assign real customers to this persona."),
    ])

    /// A persona's match rule.
    public static let personaMatch = Object(name: "PersonaMatch", summary: "Assigns real customers to a persona: every trait condition must hold.", fields: [
        field("traits", .map(.condition), required: true, "Conditions keyed by dotted trait path.", example: "{ age_band: 25-34 }"),
    ])

    /// A journey map.
    public static let journey = Object(name: "Journey", summary: "A journey map: ordered stages and touchpoints for one or more personas.", fields: [
        field("id", .identifier, required: true, "Unique id in the workspace.", example: "first-purchase"),
        field("title", .text, required: true, "Display title.", example: "Buying a first pair of running shoes"),
        field("description", .text, "Longer description.", maxLength: TextLimit.description),
        field("personas", .list(.identifier), "Personas the map is drawn for, by id.", example: "[maya]"),
        field("state", .enumeration(JourneyMap.State.allCases.map(\.rawValue)), "`current` (today, the default) or `future` (a proposal).", example: "current"),
        field("improves", .identifier, "For a future map: the id of the current map it improves.", example: "first-purchase"),
        field("live_from", .date, "The day (UTC) the journey as drawn went live: analyses count only events from that day on. A future-state map without it is a proposal, shown with its designed values and not measured.", example: "2026-09-01"),
        field("objective", .text, "What the map is meant to change, ideally measurable.", example: "Lift first-purchase conversion from 2.1% to 3%", maxLength: TextLimit.text),
        field("emotion_scale", .object("EmotionScale"), "Range of emotion scores; -2 to 2 when absent.", example: "{ min: -2, max: 2 }"),
        field("goal", .identifier, "Touchpoint id (or stage id) that counts as conversion; the last stage when absent (docs/analytics.md, Definitions).", example: "order-completed"),
        field("stages", .list(.object("Stage")), "Ordered stages; awareness, consideration, decision, retention and advocacy when absent."),
        field("touchpoints", .list(.object("Touchpoint")), "Touchpoints in map order; an event goes to the first whose match rule selects it."),
        field("lanes", .list(.object("Lane")), "Free lanes with cards keyed by touchpoint id."),
    ])

    /// An emotion scale.
    public static let emotionScale = Object(name: "EmotionScale", summary: "The numeric range of emotion scores on a map.", fields: [
        field("min", .number, required: true, "Most negative score.", example: "-2"),
        field("max", .number, required: true, "Most positive score.", example: "2"),
    ])

    /// A stage.
    public static let stage = Object(name: "Stage", summary: "A phase of the journey.", fields: [
        field("id", .identifier, required: true, "Unique id in the map.", example: "awareness"),
        field("name", .text, required: true, "Display name.", example: "Awareness"),
        field("description", .text, "What happens in this stage.", maxLength: TextLimit.description),
    ])

    /// A touchpoint.
    public static let touchpoint = Object(name: "Touchpoint", summary: "A moment where the customer meets the brand on a channel, with its lanes.", fields: [
        field("id", .identifier, required: true, "Unique id in the map.", example: "instagram-ad"),
        field("name", .text, required: true, "Display name.", example: "Sees an Instagram ad"),
        field("stage", .identifier, required: true, "The stage it belongs to.", example: "awareness"),
        field("channel", .text, required: true, "Channel id.", example: "social"),
        field("description", .text, "Longer description.", maxLength: TextLimit.description),
        field("match", .object("EventMatch"), "The rule that classifies events into this touchpoint."),
        field("actions", .list(.card), "What the customer does."),
        field("thoughts", .list(.card), "What the customer thinks."),
        field("questions", .list(.card), "What the customer asks themselves."),
        field("emotion", .number, "How the customer feels, on the map's emotion scale.", example: "1"),
        field("pain_points", .list(.object("PainPoint")), "What hurts, with severity."),
        field("opportunities", .list(.object("Opportunity")), "What could be better, with owner, status and priority."),
        field("owner", .text, "The team that owns the touchpoint backstage.", example: "Marketing"),
        field("kpis", .list(.object("KPI")), "Measures of success with targets."),
        field("evidence", .enumeration(evidenceValues), "Whether the touchpoint was observed, assumed or proposed.", example: "assumed"),
        field("source", .text, "Where the evidence comes from.", example: "Diary study, May 2026", maxLength: TextLimit.text),
    ])

    /// An event match rule.
    public static let eventMatch = Object(name: "EventMatch", summary: "Selects the events that belong to a touchpoint; all given conditions must hold.", fields: [
        field("event", .text, "Exact event name (page or screen name for those types), or a glob with `*` and `?`.", example: "\"Ad Clicked\"", maxLength: TextLimit.text),
        field("type", .enumeration(EventMatch.EventType.allCases.map(\.rawValue)), "Event type.", example: "track"),
        field("channel", .text, "The channel the event arrived on.", example: "web"),
        field("properties", .map(.condition), "Conditions keyed by dotted path into the event (`utm_source`, `context.page.path`, `properties.total`).", example: "{ utm_source: instagram }"),
    ])

    /// A card in object form.
    public static let card = Object(name: "Card", summary: "A lane card; plain text, or this object to record its evidence.", fields: [
        field("text", .text, required: true, "The card's text.", maxLength: TextLimit.text),
        field("evidence", .enumeration(evidenceValues), "observed, assumed or proposed."),
        field("source", .text, "Where the evidence comes from.", maxLength: TextLimit.text),
    ])

    /// A pain point.
    public static let painPoint = Object(name: "PainPoint", summary: "Something that hurts at a touchpoint.", fields: [
        field("text", .text, required: true, "What hurts.", example: "Ad lands on the home page", maxLength: TextLimit.text),
        field("severity", .enumeration(PainPoint.Severity.allCases.map(\.rawValue)), "low, medium (the default), high or critical.", example: "medium"),
        field("evidence", .enumeration(evidenceValues), "observed, assumed or proposed."),
        field("source", .text, "Where the evidence comes from.", maxLength: TextLimit.text),
    ])

    /// An opportunity.
    public static let opportunity = Object(name: "Opportunity", summary: "An improvement at a touchpoint.", fields: [
        field("text", .text, required: true, "What could be done.", example: "Deep-link to the product", maxLength: TextLimit.text),
        field("owner", .text, "Who owns it.", example: "Marketing"),
        field("status", .enumeration(Opportunity.Status.allCases.map(\.rawValue)), "idea, planned, in-progress, done or dropped.", example: "planned"),
        field("priority", .enumeration(Opportunity.Priority.allCases.map(\.rawValue)), "low, medium or high.", example: "high"),
        field("evidence", .enumeration(evidenceValues), "observed, assumed or proposed."),
        field("source", .text, "Where the evidence comes from.", maxLength: TextLimit.text),
    ])

    /// A KPI.
    public static let kpi = Object(name: "KPI", summary: "A measure of success with its target.", fields: [
        field("name", .text, required: true, "What is measured.", example: "Click-through rate"),
        field("target", .number, "The value aimed for.", example: "0.012"),
        field("unit", .text, "Unit of the target: ratio, percent, seconds, minutes, days, count, currency, score.", example: "ratio"),
    ])

    /// A free lane.
    public static let lane = Object(name: "Lane", summary: "A free lane: a named row of cards keyed by touchpoint id.", fields: [
        field("id", .identifier, required: true, "Unique id in the map.", example: "backstage"),
        field("name", .text, required: true, "Display name.", example: "Backstage"),
        field("cards", .map(.card), "Cards keyed by touchpoint id.", example: "{ instagram-ad: Paid social team }"),
    ])

    /// Every object, top level first.
    public static let objects: [Object] = [
        workspace, persona, personaMatch, journey, emotionScale, stage, touchpoint, eventMatch, card, painPoint, opportunity, kpi, lane,
    ]

    /// The object with a name.
    public static func object(named name: String) -> Object? { objects.first { $0.name == name } }
}
