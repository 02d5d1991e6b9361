/// A named representative customer and the rule that assigns real customers to it.
public struct Persona: Sendable, Equatable, Identifiable {
    /// `[a-z0-9-]+`, unique in the workspace.
    public var id: String
    /// Display name, often with a short description ("Maya, first-time runner").
    public var name: String
    /// Path or URL of a photo; an initials avatar is drawn when absent.
    public var photo: String?
    /// A quote in the persona's own words.
    public var quote: String?
    /// Who they are.
    public var background: String?
    /// Demographic facts in the order written (age, location, income…).
    public var demographics: [(key: String, value: ScalarValue)]
    /// What they want to achieve.
    public var goals: [String]
    /// What stands in their way.
    public var challenges: [String]
    /// How they like to be served.
    public var preferences: [String]
    /// Channels they prefer, by channel id.
    public var channels: [String]
    /// Conditions over customer traits that assign real customers to this persona.
    public var match: PersonaMatch?

    /// Creates a persona.
    public init(
        id: String, name: String, photo: String? = nil, quote: String? = nil, background: String? = nil,
        demographics: [(key: String, value: ScalarValue)] = [], goals: [String] = [], challenges: [String] = [],
        preferences: [String] = [], channels: [String] = [], match: PersonaMatch? = nil
    ) {
        self.id = id
        self.name = name
        self.photo = photo
        self.quote = quote
        self.background = background
        self.demographics = demographics
        self.goals = goals
        self.challenges = challenges
        self.preferences = preferences
        self.channels = channels
        self.match = match
    }

    /// Up to two initials for the avatar drawn when there is no photo.
    public var initials: String {
        let words = name.split(separator: ",").first.map { $0.split(whereSeparator: { $0 == " " || $0 == "-" }) } ?? []
        let letters = words.prefix(2).compactMap { $0.first.map { String($0).uppercased() } }
        return letters.isEmpty ? "?" : letters.joined()
    }

    public static func == (lhs: Persona, rhs: Persona) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.photo == rhs.photo && lhs.quote == rhs.quote
            && lhs.background == rhs.background
            && lhs.demographics.map(\.key) == rhs.demographics.map(\.key)
            && lhs.demographics.map(\.value) == rhs.demographics.map(\.value)
            && lhs.goals == rhs.goals && lhs.challenges == rhs.challenges && lhs.preferences == rhs.preferences
            && lhs.channels == rhs.channels && lhs.match == rhs.match
    }
}

/// The rule that assigns customers to a persona: every trait condition must hold.
public struct PersonaMatch: Sendable, Equatable {
    /// Conditions over customer traits, keyed by dotted path.
    public var traits: [FieldCondition]

    /// Creates a persona match rule.
    public init(traits: [FieldCondition]) {
        self.traits = traits
    }
}
