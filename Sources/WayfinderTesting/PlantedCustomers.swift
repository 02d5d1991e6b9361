import CustomerData
import Foundation

/// The customers a scenario's generator planted, read from its identifiers file
/// (``ScenarioWriter/identifiersFile``), to check what stitching made of the events against.
public struct PlantedCustomers {
    /// Each planted customer's label (`c000001`) and its normalised identifiers (`email:…`).
    public let identifiers: [String: [String]]

    /// Reads the identifiers file at `path` (`customer,identifier` lines, CSV-quoted where needed).
    public init(file path: String) throws {
        var planted: [String: [String]] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst() {
            guard let comma = line.firstIndex(of: ",") else { continue }
            var identifier = String(line[line.index(after: comma)...])
            if identifier.hasPrefix("\"") { identifier = String(identifier.dropFirst().dropLast()).replacing("\"\"", with: "\"") }
            planted[String(line[..<comma]), default: []].append(identifier)
        }
        identifiers = planted
    }

    /// How the stored identifiers (`kind:value` → customer number) differ from the planted
    /// customers: a person whose identifiers do not all land on one customer, two people merged
    /// into one, identifiers nobody planted. Empty when stitching found exactly the planted customers.
    public func differences(from stored: [String: Int64]) -> [String] {
        var differences: [String] = []
        var owner: [Int64: String] = [:]
        for (label, identifiers) in identifiers.sorted(by: { $0.key < $1.key }) {
            let customers = Set(identifiers.map { stored[$0] })
            guard customers.count == 1, let customer = customers.first ?? nil else {
                differences.append("\(label): its identifiers do not all land on one customer")
                continue
            }
            if let other = owner[customer] { differences.append("\(label) and \(other) were merged") }
            owner[customer] = label
        }
        let planted = identifiers.values.reduce(0) { $0 + $1.count }
        if stored.count != planted { differences.append("\(stored.count) identifiers stored, \(planted) planted") }
        return differences
    }
}
