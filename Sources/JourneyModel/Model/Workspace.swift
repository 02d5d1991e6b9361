/// Personas and journey maps of one organisation, as written in journey-as-code files.
public struct Workspace: Sendable, Equatable {
    /// The format version; only 1 exists.
    public var version: Int
    /// A display name for the workspace.
    public var name: String?
    /// What the workspace covers.
    public var description: String?
    /// Representative customers.
    public var personas: [Persona]
    /// Journey maps, current and future state.
    public var journeys: [JourneyMap]

    /// Creates a workspace.
    public init(version: Int = 1, name: String? = nil, description: String? = nil, personas: [Persona] = [], journeys: [JourneyMap] = []) {
        self.version = version
        self.name = name
        self.description = description
        self.personas = personas
        self.journeys = journeys
    }

    /// The persona with an id.
    public func persona(_ id: String) -> Persona? { personas.first { $0.id == id } }

    /// The journey map with an id.
    public func journey(_ id: String) -> JourneyMap? { journeys.first { $0.id == id } }
}
