import CustomerData
import Foundation
import JourneyModel
import JourneyStore
import PostgresStore
import Testing
import WayfinderTesting

/// The reads an update of the cluster's copy makes of a store by customer, on the embedded store
/// and on PostgreSQL, against the same rows filtered from a pass over the whole store.
@Suite("Reads by customer", .serialized, .enabled(if: BackendURLs.postgres != nil, "scripts/cluster.sh up and export its URLs to run the backend matrix"))
struct CustomerReadsTests {
    /// An event or answer as the reads give it: enough to tell any two apart.
    struct Row: Hashable { var sequence: Int64; var customer: Int64; var timestamp: Int64; var text: String }

    @Test("events and survey answers of some customers up to a sequence number, read by customer, are those a whole pass keeps, on both stores")
    func byCustomerEqualsFiltered() async throws {
        let base = try #require(BackendURLs.postgres)
        let directory = try TemporaryDirectory()
        _ = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 300, seed: 21))
        let embedded = try JourneyStore(path: directory.path("store.db")).data
        _ = try Importer(data: embedded).importFile(directory.path("data/events.csv"))
        try await PostgresTestStore.with(base) { postgres in
            _ = try await postgres.store.createWorkspace(id: "default", name: "Default")
            _ = try PostgresCustomerWriter(url: postgres.url, workspace: "default").importFile(directory.path("data/events.csv"))
            let remote = try PostgresCustomerData(url: postgres.url, workspace: "default")
            for reader in [embedded as any CustomerDataReader, remote] {
                let ids = try #require(try reader.eventIDRange())
                // Every seventh customer with events, merged ones among them, and one number no customer has.
                var all: [Row] = [], answers: [Row] = []
                try reader.scanEvents(ids: ids) { row in
                    all.append(Row(sequence: row.sequence, customer: row.customer, timestamp: row.timestamp, text: String(decoding: row.message, as: UTF8.self)))
                }
                try reader.scanFeedback { row in
                    answers.append(Row(sequence: row.sequence, customer: row.customer, timestamp: row.timestamp, text: String(decoding: row.metric, as: UTF8.self)))
                }
                let customers = Array(Set(all.map(\.customer))).sorted().enumerated().filter { $0.offset % 7 == 0 }.map(\.element) + [Int64(Int32.max)]
                let wanted = Set(customers)
                try #require(customers.count > 20 && answers.contains { wanted.contains($0.customer) })
                // The bound is an answer's event of one of them, so that an answer and an event sit on it.
                let bounds = answers.filter { wanted.contains($0.customer) }.map(\.sequence).sorted()
                let last = bounds[bounds.count * 2 / 3]
                var events: [Row] = [], feedback: [Row] = []
                try reader.scanEvents(customers: customers, through: last) { row in
                    events.append(Row(sequence: row.sequence, customer: row.customer, timestamp: row.timestamp, text: String(decoding: row.message, as: UTF8.self)))
                }
                try reader.scanFeedback(customers: customers, through: last) { row in
                    feedback.append(Row(sequence: row.sequence, customer: row.customer, timestamp: row.timestamp, text: String(decoding: row.metric, as: UTF8.self)))
                }
                let expectedEvents = all.filter { wanted.contains($0.customer) && $0.sequence <= last }
                let expectedAnswers = answers.filter { wanted.contains($0.customer) && $0.sequence <= last }
                #expect(events.count == expectedEvents.count && Set(events) == Set(expectedEvents), "\(type(of: reader))")
                #expect(feedback.count == expectedAnswers.count && Set(feedback) == Set(expectedAnswers), "\(type(of: reader))")
                let counts = try reader.rowCounts(through: last)
                #expect(counts.events == all.filter { $0.sequence <= last }.count && counts.feedback == answers.filter { $0.sequence <= last }.count)
            }
        }
    }
}
