import CustomerData
import Foundation
import JourneyStore
import Logging
import Testing
import WayfinderServer
import WayfinderTesting

@Suite("Event writer")
struct EventWriterTests {
    static func group(_ tag: Int, events: Int) -> RecordGroup {
        RecordGroup(origin: "test", records: (0..<events).map { index in
            var record = InputRecord(line: index + 1, location: "batch[\(index)]", text: "",
                                     result: .success(Event(type: .track, name: "E", messageId: "w\(tag)-\(index)", timestamp: 1_777_000_000_000 + Int64(index),
                                                            userId: "user-\(tag)")))
            record.prepare(junk: Identifier.defaultJunk, phoneCountry: nil)
            return record
        })
    }

    @Test("stopping answers every waiting write: stored and counted, or refused and not stored; later writes are refused")
    func stopDrains() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"), durableCommits: true)
        let writer = try EventWriter(store: store, options: Importer.Options(), stream: "test", messagesPerCommit: 50, metrics: ServerMetrics(),
                                     logger: Logger(label: "test"))
        let writers = 60, events = 10
        let data = try store.data
        async let outcomes = withTaskGroup(of: (Int, Int?).self) { group in
            for tag in 0..<writers {
                group.addTask {
                    do { return (tag, try await writer.write(Self.group(tag, events: events), into: data).imported) } catch { return (tag, nil) }
                }
            }
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        await writer.stop()
        let results = await outcomes
        #expect(results.count == writers)
        for (tag, imported) in results {
            let stored = try data.findCustomer("user-\(tag)").flatMap { try data.customer($0)?.events } ?? 0
            if let imported {
                #expect(imported == events)
                #expect(stored == events, "write \(tag) was acknowledged but its events are not all stored")
            } else {
                #expect(stored == 0, "write \(tag) was refused but \(stored) of its events are stored")
            }
        }
        #expect(try store.data.counts().events == results.values.compactMap { $0 }.reduce(0, +))
        await #expect(throws: EventWriter.Failure.self) { try await writer.write(Self.group(999, events: 1), into: data) }
        #expect(!writer.isAccepting)
    }

    @Test("the collection stream is recorded in the store's sources with the counts it committed")
    func streamCounts() async throws {
        let directory = try TemporaryDirectory()
        let store = try JourneyStore(path: directory.path("store.db"))
        let writer = try EventWriter(store: store, options: Importer.Options(), stream: "http collection", messagesPerCommit: 1_000,
                                     metrics: ServerMetrics(), logger: Logger(label: "test"))
        let data = try store.data
        let first = try await writer.write(Self.group(1, events: 5), into: data)
        let again = try await writer.write(Self.group(1, events: 5), into: data)
        await writer.stop()
        #expect(first.imported == 5 && first.duplicates == 0)
        #expect(again.imported == 0 && again.duplicates == 5)
        let sources = try store.data.sources()
        #expect(sources.count == 1)
        #expect(sources.first?.path == "http collection")
        #expect(sources.first?.format == "http")
        #expect(sources.first.map { [$0.records, $0.imported, $0.duplicates, $0.quarantined] } == [10, 5, 5, 0])
        #expect(sources.first?.finishedAt != nil)
        #expect(try store.data.counts().events == 5)
    }
}
