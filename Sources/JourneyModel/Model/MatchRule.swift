/// A typed scalar from a journey-as-code file.
public enum ScalarValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)

    /// The value as text, numbers without a trailing `.0`.
    public var description: String {
        switch self {
        case .string(let text): text
        case .number(let value): NumberFormat.canonical(value)
        case .bool(let value): value ? "true" : "false"
        }
    }
}

/// The rule that classifies events into a touchpoint.
public struct EventMatch: Sendable, Equatable {
    /// The Segment event type an event must have.
    public enum EventType: String, Sendable, CaseIterable {
        case track, page, screen, identify, group, alias, feedback
    }

    /// Exact event name, or a glob with `*` and `?` (for page and screen events, the page name).
    public var event: String?
    /// The event type.
    public var type: EventType?
    /// The channel the event arrived on.
    public var channel: String?
    /// Conditions over event fields by dotted path.
    public var properties: [FieldCondition]

    /// Creates an event match rule.
    public init(event: String? = nil, type: EventType? = nil, channel: String? = nil, properties: [FieldCondition] = []) {
        self.event = event
        self.type = type
        self.channel = channel
        self.properties = properties
    }
}

/// A condition over one field, named by a dotted path such as `context.page.path`.
public struct FieldCondition: Sendable, Equatable {
    /// The dotted path of the field.
    public var path: String
    /// What the field must satisfy.
    public var condition: Condition

    /// Creates a field condition.
    public init(path: String, condition: Condition) {
        self.path = path
        self.condition = condition
    }
}

/// What a field must satisfy.
public enum Condition: Sendable, Equatable {
    /// Equal to the value (a string with `*` or `?` is a glob).
    case equals(ScalarValue)
    /// An operator applied to an operand: `{ gte: 100 }`.
    case comparison(Operator, ScalarValue)
    /// One of (or none of) a list of values.
    case list(Operator, [ScalarValue])
    /// Present (or absent).
    case exists(Bool)

    /// The operators of an operator object.
    public enum Operator: String, Sendable, CaseIterable {
        case eq, ne, gt, gte, lt, lte, `in`, notIn = "not_in", regex, exists, contains

        /// Whether the operand is a list.
        public var takesList: Bool { self == .in || self == .notIn }
        /// Whether the operand must be a number.
        public var takesNumber: Bool { [.gt, .gte, .lt, .lte].contains(self) }
    }
}
