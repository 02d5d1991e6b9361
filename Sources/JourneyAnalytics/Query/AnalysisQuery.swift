import Foundation

/// An analysis request as data: the CLI, the HTTP API and the web app send the same query.
///
/// JSON keys are snake_case (`window_days`, `collapse_repeats`). Every field but `kind` and
/// `journey` has a default, so `{"kind": "funnel", "journey": "first-purchase"}` is a query.
public struct AnalysisQuery: Codable, Sendable, Equatable {
    /// The analyses.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case funnel, paths, friction, emotions, conformance, compare, personas, touchpoints
        /// The customers who passed one touchpoint (`options.touchpoint`), a page at a time.
        case customers
        /// The free-text survey answers given at one touchpoint (`options.touchpoint`), newest first.
        case verbatims
        /// Credit for the map's goal by channel or touchpoint (`options.model`).
        case attribution
        /// Each touchpoint's odds of reaching the goal, its best next touchpoint, and the customers at risk.
        case nextBest = "next_best"
        /// Cohorts by first-seen week or month, and the share returning to a stage or touchpoint in each later period.
        case retention
        /// Groups of customers by traits and journeys, and the personas checked against them.
        case segments

        /// Whether the analysis lists customers one by one (with their ids, names and answers) or
        /// shows their trait values, which a share link may not show.
        public var listsCustomers: Bool { self == .customers || self == .verbatims || self == .nextBest || self == .segments }
    }

    /// The analysis.
    public var kind: Kind
    /// The journey map id.
    public var journey: String
    /// Only events in this time range count.
    public var range: DateRange?
    /// Which customers and events count.
    public var filters: Filters
    /// Split the result by a customer attribute.
    public var breakdown: Breakdown?
    /// Options of the analysis.
    public var options: Options

    /// Creates a query.
    public init(kind: Kind, journey: String, range: DateRange? = nil, filters: Filters = Filters(), breakdown: Breakdown? = nil,
                options: Options = Options()) {
        self.kind = kind
        self.journey = journey
        self.range = range
        self.filters = filters
        self.breakdown = breakdown
        self.options = options
    }

    enum CodingKeys: String, CodingKey { case kind, journey, range, filters, breakdown, options }

    /// Decodes a query, with defaults for what is missing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        journey = try container.decode(String.self, forKey: .journey)
        range = try container.decodeIfPresent(DateRange.self, forKey: .range)
        filters = try container.decodeIfPresent(Filters.self, forKey: .filters) ?? Filters()
        breakdown = try container.decodeIfPresent(Breakdown.self, forKey: .breakdown)
        options = try container.decodeIfPresent(Options.self, forKey: .options) ?? Options()
    }
}

/// A time range: `from` inclusive, `to` exclusive, each an ISO 8601 date or time (UTC when no zone).
public struct DateRange: Codable, Sendable, Equatable {
    /// The first moment that counts.
    public var from: String?
    /// The first moment that no longer counts.
    public var to: String?

    /// Creates a range.
    public init(from: String? = nil, to: String? = nil) {
        self.from = from
        self.to = to
    }
}

/// Which customers and events an analysis counts.
public struct Filters: Codable, Sendable, Equatable {
    /// Only customers of these personas (`none` for customers matching no persona).
    public var personas: [String]
    /// Only events on these channels.
    public var channels: [String]
    /// Only customers whose traits match every filter.
    public var traits: [FieldFilter]
    /// Only events whose properties match every filter.
    public var properties: [FieldFilter]

    /// Creates filters.
    public init(personas: [String] = [], channels: [String] = [], traits: [FieldFilter] = [], properties: [FieldFilter] = []) {
        self.personas = personas
        self.channels = channels
        self.traits = traits
        self.properties = properties
    }

    /// Whether nothing is filtered.
    public var isEmpty: Bool { personas.isEmpty && channels.isEmpty && traits.isEmpty && properties.isEmpty }

    enum CodingKeys: String, CodingKey { case personas, channels, traits, properties }

    /// Decodes filters, each list empty when missing.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        personas = try container.decodeIfPresent([String].self, forKey: .personas) ?? []
        channels = try container.decodeIfPresent([String].self, forKey: .channels) ?? []
        traits = try container.decodeIfPresent([FieldFilter].self, forKey: .traits) ?? []
        properties = try container.decodeIfPresent([FieldFilter].self, forKey: .properties) ?? []
    }
}

/// A field (dotted path) equal to one of some values; a value with `*` or `?` is a glob.
public struct FieldFilter: Codable, Sendable, Hashable {
    /// The dotted path: a trait path for trait filters, an event path (`plan`, `context.page.path`) for property filters.
    public var path: String
    /// Accepted values.
    public var values: [String]

    /// Creates a filter.
    public init(path: String, values: [String]) {
        self.path = path
        self.values = values
    }

    /// Parses `path=value[,value…]`, or nil when there is no path or no value.
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else { return nil }
        let values = argument[argument.index(after: equals)...].split(separator: ",").map(String.init)
        guard !values.isEmpty else { return nil }
        path = String(argument[..<equals])
        self.values = values
    }
}

/// How a result is split into groups of customers.
public struct Breakdown: Codable, Sendable, Equatable {
    /// What the groups are.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The customer's persona.
        case persona
        /// The channel of the customer's first classified event.
        case firstChannel = "first_channel"
        /// A trait's value.
        case trait
        /// A property's value on the customer's first classified event that has it.
        case property
    }

    /// What the groups are.
    public var kind: Kind
    /// The trait or property path, for those kinds.
    public var path: String?

    /// Creates a breakdown.
    public init(kind: Kind, path: String? = nil) {
        self.kind = kind
        self.path = path
    }

    /// Parses `persona`, `first_channel`, `trait:PATH` or `property:PATH`.
    public init?(argument: String) {
        if let colon = argument.firstIndex(of: ":") {
            guard let kind = Kind(rawValue: String(argument[..<colon])), kind == .trait || kind == .property else { return nil }
            let path = String(argument[argument.index(after: colon)...])
            guard !path.isEmpty else { return nil }
            self.init(kind: kind, path: path)
        } else {
            guard let kind = Kind(rawValue: argument.replacingOccurrences(of: "-", with: "_")), kind != .trait, kind != .property else { return nil }
            self.init(kind: kind)
        }
    }
}
