import CustomerData
import Foundation
import GRDB
import JourneyModel
import JourneyStore
import Testing
import WayfinderTesting

@Suite("Planted truth")
struct TruthRecoveryTests {
    @Test("stitching recovers the generator's customers exactly", arguments: [
        (WorkspaceTemplate.retail, ScenarioWriter.Format.csv), (.saas, .ndjson), (.healthcare, .segment), (.leadGen, .csv),
    ])
    func recover(template: WorkspaceTemplate, format: ScenarioWriter.Format) throws {
        let directory = try TemporaryDirectory()
        let generator = ScenarioGenerator(template: template, customers: 400, seed: 11)
        let truth = try ScenarioWriter(directory: directory.path("data"), format: format).write(generator)
        let store = try JourneyStore(path: directory.path("store.db"))
        let importer = try Importer(data: store.data)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("data"))
            .filter { $0.hasPrefix("events.") || $0.hasPrefix("batch-") }.sorted()
        for file in files { _ = try importer.importFile(directory.path("data/\(file)")) }
        let summary = importer.summary()
        #expect(summary.quarantined == 0, "generated data is clean")
        #expect(summary.imported == truth.events)

        // The planted identifiers, read from the truth file the generator wrote.
        let lines = try String(contentsOfFile: directory.path("data/\(ScenarioWriter.identifiersFile)"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        var planted: [String: [String]] = [:]
        for line in lines {
            let comma = line.firstIndex(of: ",")!
            var identifier = String(line[line.index(after: comma)...])
            if identifier.hasPrefix("\"") { identifier = String(identifier.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            planted[String(line[..<comma]), default: []].append(identifier)
        }
        #expect(planted.count == truth.customers)
        #expect(try store.data.counts().customers == truth.customers, "as many customers after stitching as were planted")

        let stored: [String: Int64] = try store.database.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT kind || ':' || value, customer_id FROM identities").map { ($0[0], $0[1]) })
        }
        var owner: [Int64: String] = [:]
        for (label, identifiers) in planted {
            let customers = Set(identifiers.map { stored[$0] })
            #expect(customers.count == 1 && !customers.contains(nil), "\(label): every identifier lands on one customer")
            guard let customer = customers.first ?? nil else { continue }
            #expect(owner[customer] == nil, "\(label) and \(owner[customer] ?? "") were merged")
            owner[customer] = label
        }
        #expect(stored.count == planted.values.reduce(0) { $0 + $1.count }, "no identifier beyond the planted ones")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
