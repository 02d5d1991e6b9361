import Foundation
import JourneyModel
import JourneyStore

/// Customers as people read them: the id (`cus_42`) and a display name from the traits the store
/// holds for the customer (`name`, else `first_name` and `last_name`, else `email`).
public enum CustomerNames {
    /// The trait paths a name is made from; an index built for a customer list reads them.
    public static let traitPaths = ["name", "first_name", "last_name", "email"]

    /// The display name of customer `customer` of `index`, or nil when its traits hold none (or
    /// the index was built without ``traitPaths``).
    public static func name(of customer: Int, in index: JourneyIndex) -> String? {
        func trait(_ path: String) -> String? {
            guard let value = index.traits[path]?.value(of: customer) else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        if let name = trait("name") { return name }
        let full = [trait("first_name"), trait("last_name")].compactMap { $0 }.joined(separator: " ")
        if !full.isEmpty { return full }
        return trait("email")
    }

    /// The persona id of customer `customer`, or nil when it matches none.
    static func persona(of customer: Int, in index: JourneyIndex) -> String? {
        let persona = index.personas[customer]
        return persona == JourneyIndex.noPersona ? nil : index.personaIDs[Int(persona)]
    }

    /// The position of `options.touchpoint` in the map, or an error naming the field and the map's touchpoints.
    static func touchpoint(_ query: AnalysisQuery, _ index: JourneyIndex) throws(AnalysisError) -> Int {
        let id = query.options.touchpoint ?? ""
        guard let position = index.touchpoint(id) else {
            let known = index.touchpointIDs.prefix(12).joined(separator: ", ") + (index.touchpointIDs.count > 12 ? ", …" : "")
            throw AnalysisError(field: "options.touchpoint", problem: "names no touchpoint of '\(index.journey.id)' (got '\(id.prefix(80))'; known: \(known))")
        }
        return position
    }

    /// The rows `offset ..< offset + limit` of `count` rows (all from `offset` when `limit` is nil).
    static func page(count: Int, offset: Int, limit: Int?) -> Range<Int> {
        let start = min(max(offset, 0), count)
        let end = limit.map { min(count, start + max($0, 0)) } ?? count
        return start ..< end
    }
}
