import JourneyModel

/// What a comment is about: a whole map, one touchpoint, or one card in a lane of a touchpoint.
///
/// Written as an address: `map`, `touchpoint:ID`, or `touchpoint:ID/lane:LANE/INDEX`, where LANE
/// is a built-in lane (`actions`, `thoughts`, `questions`, `pain_points`, `opportunities`, `kpis`,
/// the keys of the journey-as-code format) with INDEX the card's 0-based position in it, or the id of
/// a free lane with INDEX 0 (a free lane holds one card per touchpoint). A built-in lane name wins
/// over a free lane with the same id. A thread whose card was deleted keeps its touchpoint and lane
/// as `touchpoint:ID/lane:LANE/removed`, so that it stays visible.
public enum CommentTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The whole map.
    case map
    /// A stage, by id.
    case stage(String)
    /// A touchpoint, by id.
    case touchpoint(String)
    /// A card: a lane item of a touchpoint.
    case card(touchpoint: String, lane: String, index: Int)
    /// A card that was deleted from a lane of a touchpoint: its threads stay, on no card.
    case removedCard(touchpoint: String, lane: String)

    /// The lanes of a touchpoint that hold lists of cards, by their journey-as-code keys.
    public static let builtInLanes = ["actions", "thoughts", "questions", "pain_points", "opportunities", "kpis"]

    /// Reads an address such as `touchpoint:checkout/lane:pain_points/0`.
    public init(address: String) throws(WorkspaceStoreError) {
        if address == "map" {
            self = .map
            return
        }
        if address.hasPrefix("stage:") {
            let id = String(address.dropFirst(6))
            guard IDRules.isValid(id) else { throw Self.malformed(address) }
            self = .stage(id)
            return
        }
        let parts = address.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 3, parts[0].hasPrefix("touchpoint:"), IDRules.isValid(String(parts[0].dropFirst(11))) else {
            throw Self.malformed(address)
        }
        let touchpoint = String(parts[0].dropFirst(11))
        guard parts.count == 3 else {
            self = .touchpoint(touchpoint)
            return
        }
        let lane = String(parts[1].dropFirst(5))
        guard parts[1].hasPrefix("lane:"), Self.builtInLanes.contains(lane) || IDRules.isValid(lane) else { throw Self.malformed(address) }
        if parts[2] == "removed" {
            self = .removedCard(touchpoint: touchpoint, lane: lane)
            return
        }
        guard let index = Int(parts[2]), index >= 0, String(index) == parts[2] else {
            throw Self.malformed(address)
        }
        self = .card(touchpoint: touchpoint, lane: lane, index: index)
    }

    /// The address: `map`, `stage:ID`, `touchpoint:ID`, `touchpoint:ID/lane:LANE/INDEX` or `touchpoint:ID/lane:LANE/removed`.
    public var address: String {
        switch self {
        case .map: "map"
        case .stage(let id): "stage:\(id)"
        case .touchpoint(let id): "touchpoint:\(id)"
        case .card(let touchpoint, let lane, let index): "touchpoint:\(touchpoint)/lane:\(lane)/\(index)"
        case .removedCard(let touchpoint, let lane): "touchpoint:\(touchpoint)/lane:\(lane)/removed"
        }
    }

    /// The id of the stage or touchpoint the target belongs to, as `stage:ID` or `touchpoint:ID`, or nil for the map.
    public var element: String? {
        switch self {
        case .map: nil
        case .stage(let id): "stage:\(id)"
        case .touchpoint(let id), .card(let id, _, _), .removedCard(let id, _): "touchpoint:\(id)"
        }
    }

    /// The address.
    public var description: String { address }

    /// Why the target does not exist in `map`, or nil when it does.
    public func problem(in map: JourneyMap) -> String? {
        let touchpointID: String
        switch self {
        case .map: return nil
        case .stage(let id):
            guard map.stage(id) == nil else { return nil }
            return "map '\(map.id)' has no stage '\(id)'; its stages are \(map.stages.map(\.id).quotedList())"
        case .touchpoint(let id): touchpointID = id
        case .card(let id, _, _): touchpointID = id
        case .removedCard(let id, let lane): return "the card of lane '\(lane)' of touchpoint '\(id)' that the thread is on was deleted"
        }
        guard let touchpoint = map.touchpoint(touchpointID) else {
            let ids = map.touchpoints.map(\.id)
            return "map '\(map.id)' has no touchpoint '\(touchpointID)'; " + (ids.isEmpty ? "it has no touchpoints" : "its touchpoints are \(ids.quotedList())")
        }
        guard case .card(_, let lane, let index) = self else { return nil }
        let count: Int
        switch lane {
        case "actions": count = touchpoint.actions.count
        case "thoughts": count = touchpoint.thoughts.count
        case "questions": count = touchpoint.questions.count
        case "pain_points": count = touchpoint.painPoints.count
        case "opportunities": count = touchpoint.opportunities.count
        case "kpis": count = touchpoint.kpis.count
        default:
            guard let free = map.lanes.first(where: { $0.id == lane }) else {
                return "map '\(map.id)' has no lane '\(lane)'; lanes are \((Self.builtInLanes + map.lanes.map(\.id)).quotedList(limit: 12))"
            }
            count = free.card(for: touchpoint.id) == nil ? 0 : 1
        }
        guard index >= count else { return nil }
        let cards = count == 0 ? "it has no cards there" : count == 1 ? "its only card there is 0" : "its cards there are 0…\(count - 1)"
        return "touchpoint '\(touchpoint.id)' has no card \(index) in lane '\(lane)'; \(cards)"
    }

    public init(from decoder: any Decoder) throws {
        let address = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try CommentTarget(address: address)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(address)
    }

    static func malformed(_ address: String) -> WorkspaceStoreError {
        let shown = address.count > 80 ? String(address.prefix(77)) + "…" : address
        return .invalid("target", "target: '\(shown)' is not a comment target; use 'map', 'stage:ID', 'touchpoint:ID' or 'touchpoint:ID/lane:LANE/INDEX' with LANE one of \(builtInLanes.quotedList()) or a free lane's id, and INDEX the card's position from 0")
    }
}
