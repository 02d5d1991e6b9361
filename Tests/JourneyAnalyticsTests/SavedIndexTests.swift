import CustomerData
import CZlib
import Foundation
import GRDB
import JourneyAnalytics
import JourneyModel
@testable import JourneyStore
import Testing
import WayfinderTesting

/// The index saved beside the embedded store, brought up to date as data arrives, against an
/// index built from the whole store at each step: they must be equal, column by column.
@Suite("Saved analytics indexes")
struct SavedIndexTests {
    /// Traits, a property kept per customer and a property filter, so every column is exercised.
    static let request: IndexRequest = {
        var request = IndexRequest()
        request.traitPaths = ["email", "name", "plan", "company_size"]
        request.propertyPaths = ["plan", "utm_source"]
        request.propertyFilters = [FieldFilter(argument: "plan=pro,team")!]
        return request
    }()

    @Test("imports in three parts: each update equals a build from scratch, merges across the parts included")
    func updatesEqualBuilds() throws {
        let directory = try TemporaryDirectory()
        let truth = try ScenarioWriter(directory: directory.path("data"), format: .csv).write(ScenarioGenerator(template: .saas, customers: 900, seed: 11))
        let lines = try String(contentsOfFile: directory.path("data/events.csv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        // In time order, as a live site sends them: a visitor's first events land in one part and the sign-in that merges them in a later one.
        let header = lines[0], rows = lines.dropFirst().filter { !$0.isEmpty }.sorted { $0.prefix(24) < $1.prefix(24) }
        let store = try JourneyStore(path: directory.path("store.db"))
        let workspace = WorkspaceTemplate.saas.workspace
        let journey = try #require(try workspace.journey(truth.journey))
        let builder = IndexBuilder(workspace: workspace, journey: journey, request: Self.request)
        let saved = SavedIndexes(try store.data)
        var firstCustomers: [Int64] = []
        // Saved first while the store is empty: no property value yet, and no event.
        #expect(try saved.index(builder).outcome == .built(reason: "no index was saved for this map and these options"))
        for part in 0..<3 {
            let slice = rows[rows.startIndex + rows.count * part / 3 ..< rows.startIndex + rows.count * (part + 1) / 3]
            let path = try directory.write(([header] + slice).joined(separator: "\n") + "\n", to: "part\(part).csv")
            _ = try Importer(data: try store.data).importFile(path)
            let (index, outcome, warning) = try saved.index(builder)
            if part == 0 { firstCustomers = index.customers }
            #expect(warning == nil)
            #expect(outcome == .updated(events: slice.count))
            try Self.expectEqual(index, try builder.build(from: store.data))
            // Nothing changed: the saved file is used as it is.
            let again = try saved.index(builder)
            #expect(again.outcome == .reused)
            try Self.expectEqual(again.index, index)
        }
        // Later parts must have merged new customers into ones the first index saved, or the test
        // shows nothing of merges (two saved customers merging is the next test's).
        let full = try builder.build(from: store.data)
        let links = try store.data.customerLinks()
        let kept = Set(firstCustomers), largest = firstCustomers.max() ?? 0
        let mergedIntoSaved = (Int(largest) + 1 ..< links.rootPosition.count).filter { number in
            let position = links.rootPosition[number]
            return position >= 0 && links.roots[Int(position)] != Int64(number) && kept.contains(links.roots[Int(position)])
        }
        #expect(!mergedIntoSaved.isEmpty)
        #expect(full.summary.events == truth.events)
    }

    @Test("events of one time keep their arrival order when two customers with saved events merge")
    func mergeKeepsArrivalOrderOfTies() throws {
        let directory = try TemporaryDirectory()
        let workspace = try #require(WorkspaceCodec.decode(TinyJourney.yaml, file: "tiny.yaml").workspace)
        let journey = workspace.journeys[0]
        let store = try JourneyStore(path: directory.path("store.db"))
        func load(_ lines: [String], _ name: String) throws {
            _ = try Importer(data: try store.data).importFile(try directory.write(lines.joined(separator: "\n") + "\n", to: name), format: .ndjson)
        }
        let builder = IndexBuilder(workspace: workspace, journey: journey)
        let saved = SavedIndexes(try store.data)
        // Saved while the store is empty, then brought up to date.
        #expect(try saved.index(builder).index.customerCount == 0)
        let at = "\"timestamp\":\"2026-01-01T00:00:00Z\""
        // The anonymous visitor's and the user's events share a time; so does the one after the merge.
        try load([
            "{\"type\":\"track\",\"event\":\"B1\",\"anonymousId\":\"a-1\",\(at)}",
            "{\"type\":\"track\",\"event\":\"A1\",\"userId\":\"u-1\",\(at)}",
            "{\"type\":\"page\",\"name\":\"Pricing\",\"anonymousId\":\"a-1\",\"timestamp\":\"2026-01-01T00:00:09Z\"}",
        ], "one.ndjson")
        let (first, fromEmpty, _) = try saved.index(builder)
        #expect(fromEmpty == .updated(events: 3))
        #expect(first.customerCount == 2)
        try load([
            "{\"type\":\"identify\",\"anonymousId\":\"a-1\",\"userId\":\"u-1\",\"traits\":{\"plan\":\"pro\"},\"timestamp\":\"2026-01-01T00:00:01Z\"}",
            "{\"type\":\"track\",\"event\":\"C1\",\"userId\":\"u-1\",\(at)}",
            "{\"type\":\"track\",\"event\":\"A2\",\"userId\":\"u-1\",\"timestamp\":\"2026-01-01T00:00:10Z\"}",
        ], "two.ndjson")
        let (index, outcome, _) = try saved.index(builder)
        #expect(outcome == .updated(events: 3))
        #expect(index.customerCount == 1)
        // Arrival order among the three events at 00:00:00: B1, A1, C1; the page between the first and last classified event counts as off-map.
        #expect(index.events(of: 0).map { index.touchpointIDs[Int(index.touchpoints[$0])] } == ["b1", "a1", "c1", "a2"])
        #expect(index.offMapEvents == [1])
        #expect(index.personas == [0])
        try Self.expectEqual(index, try builder.build(from: store.data))
    }

    @Test("erasing a customer removes the saved indexes, and the next analysis builds one without the customer")
    func erasureRemovesSavedIndexes() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 300, seed: 3)
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: Self.request)
        let saved = SavedIndexes(try fixture.store.data)
        _ = try saved.index(builder)
        #expect(FileManager.default.fileExists(atPath: saved.path(of: builder)))
        let number = try #require(fixture.index.customers.first { customer in
            let position = fixture.index.customers.firstIndex(of: customer)!
            return !fixture.index.events(of: position).isEmpty
        })
        let erased = try #require(try fixture.store.data.forget(number))
        #expect(erased.events > 0)
        #expect(!FileManager.default.fileExists(atPath: try fixture.store.data.indexFolder))
        let (index, outcome, _) = try saved.index(builder)
        #expect(outcome == .built(reason: "no index was saved for this map and these options"))
        #expect(!index.customers.contains(number))
        try Self.expectEqual(index, try builder.build(from: fixture.store.data))
    }

    @Test("a saved state whose customer was erased behind its back is built again, not carried over")
    func staleStateAfterErasureIsRebuilt() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 300, seed: 4)
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: Self.request)
        let (_, state, _, _) = try builder.update(nil, from: fixture.store.data)
        let position = try #require((0..<fixture.index.customerCount).first { !fixture.index.events(of: $0).isEmpty })
        _ = try fixture.store.data.forget(fixture.index.customers[position])
        let (index, _, carried, _) = try builder.update(state, from: fixture.store.data)
        #expect(!carried)
        try Self.expectEqual(index, try builder.build(from: fixture.store.data))
    }

    @Test("a saved file that is damaged, cut short, of another map or not an index is refused with the reason and built again")
    func damagedFilesAreRefused() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 200, seed: 5)
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: Self.request)
        let saved = SavedIndexes(try fixture.store.data)
        let path = saved.path(of: builder)
        _ = try saved.index(builder)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        let expected = try builder.build(from: fixture.store.data)
        var flipped = good
        flipped[flipped.count / 2] ^= 0x40
        let damaged: [(String, Data)] = [
            ("its checksum does not match its contents", flipped),
            ("not an index file", Data("garbage\u{0}\u{0}".utf8)),
            ("not an index file", Data()),
            ("its checksum does not match its contents", good.prefix(good.count - 100)),
            // A valid checksum over a touchpoint the map does not have.
            ("it names touchpoints the map does not have", try Self.withTouchpoint(900, in: good, state: try builder.update(nil, from: fixture.store.data).state)),
            // A valid checksum over the last event at a time no event can have (the funnel
            // trapped on the difference of times; FuzzIndexFile found it).
            ("it holds a time no event can have", try Self.withLastTimestamp(.max - 1, in: good, state: try builder.update(nil, from: fixture.store.data).state)),
        ]
        for (reason, bytes) in damaged {
            try bytes.write(to: URL(fileURLWithPath: path))
            let (index, outcome, warning) = try saved.index(builder)
            guard case .built(let why) = outcome else {
                Issue.record("a damaged file was used: \(outcome)")
                continue
            }
            #expect(why.hasSuffix(reason), "\(why)")
            #expect(warning?.contains(reason) == true)
            try Self.expectEqual(index, expected)
            // It was saved again whole.
            #expect(try saved.index(builder).outcome == .reused)
        }
    }

    @Test("an event whose time was set by hand to one no event can have is an error naming the event, not a trap")
    func eventTimeOutOfRangeIsRefused() async throws {
        let fixture = try StoreFixture.generated(.saas, customers: 50, seed: 7)
        let last = try await fixture.store.database.write { db in
            try db.execute(sql: "UPDATE events SET timestamp = 9223372036854775806 WHERE id = (SELECT max(id) FROM events)")
            return try Int64.fetchOne(db, sql: "SELECT max(id) FROM events") ?? 0
        }
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey)
        #expect {
            try builder.build(from: fixture.store.data)
        } throws: { error in
            "\(error)".contains("event \(last) has the time 9223372036854775806")
        }
    }

    @Test("a link, a pipe or a folder in place of a saved index is refused without reading it, and the index built")
    func specialFilesAreRefused() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 100, seed: 8)
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey)
        let saved = SavedIndexes(try fixture.store.data)
        let path = saved.path(of: builder)
        _ = try saved.index(builder)
        let elsewhere = fixture.directory.path("elsewhere.index")
        try FileManager.default.moveItem(atPath: path, toPath: elsewhere)
        let makers: [(String, () throws -> Void)] = [
            ("cannot be opened", { try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: elsewhere) }),
            ("it is not a regular file", { #expect(mkfifo(path, 0o600) == 0) }),
            ("it is not a regular file", { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }),
        ]
        for (reason, make) in makers {
            try? FileManager.default.removeItem(atPath: path)
            try make()
            let (index, outcome, warning) = try saved.index(builder)
            #expect(warning?.contains(reason) == true, "\(warning ?? "no warning")")
            #expect(index.eventCount == fixture.index.eventCount)
            guard case .built = outcome else {
                Issue.record("\(outcome)")
                continue
            }
        }
    }

    @Test("an index read while its folder is removed (as an erasure removes it) is not saved")
    func removedFolderIsNotWrittenAgain() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 200, seed: 9)
        let builder = IndexBuilder(workspace: fixture.workspace, journey: fixture.journey)
        let saved = SavedIndexes(try fixture.store.data)
        let folder = try fixture.store.data.indexFolder
        let (index, _, warning) = try saved.index(builder) { _, _ in try? FileManager.default.removeItem(atPath: folder) }
        #expect(warning == nil)
        #expect(index.eventCount == fixture.index.eventCount)
        #expect(!FileManager.default.fileExists(atPath: saved.path(of: builder)))
    }

    @Test("another map, other personas or another request are saved apart; the oldest files beyond the limit go")
    func filesPerRequest() throws {
        let fixture = try StoreFixture.generated(.saas, customers: 150, seed: 6)
        var saved = SavedIndexes(try fixture.store.data)
        saved.kept = 2
        var requests: [IndexRequest] = [IndexRequest(), Self.request]
        var other = IndexRequest()
        other.traitPaths = ["plan"]
        requests.append(other)
        let builders = requests.map { IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: $0) }
        #expect(Set(builders.map(\.stateKey)).count == 3)
        for builder in builders { _ = try saved.index(builder) }
        let files = try FileManager.default.contentsOfDirectory(atPath: try fixture.store.data.indexFolder)
        #expect(files.count == 2)
        #expect(!files.contains(builders[0].stateKey + ".index"))
        var personas = fixture.workspace
        personas.personas.removeLast()
        #expect(IndexBuilder(workspace: personas, journey: fixture.journey).stateKey != builders[0].stateKey)
    }

    // MARK: Support

    /// The file of `state` with the first event's touchpoint set to `touchpoint` and the checksum made right again.
    static func withTouchpoint(_ touchpoint: UInt16, in file: Data, state: IndexState) throws -> Data {
        try patched(file, column: 4, state: state) { bytes, start in
            bytes[start] = UInt8(touchpoint & 0xFF)
            bytes[start + 1] = UInt8(touchpoint >> 8)
        }
    }

    /// The file of `state` with the last event's time set to `time` and the checksum made right again.
    static func withLastTimestamp(_ time: Int64, in file: Data, state: IndexState) throws -> Data {
        try patched(file, column: 3, state: state) { bytes, start in
            let last = start + (state.rowCount - 1) * 8
            for index in 0..<8 { bytes[last + index] = UInt8(truncatingIfNeeded: UInt64(bitPattern: time) >> (8 * UInt64(index))) }
        }
    }

    /// The file with `change` made to the event column `column` (its first element at the index
    /// given) and the checksum made right again.
    static func patched(_ file: Data, column: Int, state: IndexState, _ change: (inout [UInt8], Int) -> Void) throws -> Data {
        // The header's length follows the magic; the columns follow it in order: roots, offsets,
        // sequences, timestamps (8 bytes an element), touchpoints.
        var bytes = [UInt8](file)
        let magic = 16
        func count(at offset: Int) -> Int { Int(bytes[offset ..< offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }) }
        var offset = magic + 8 + count(at: magic)
        for _ in 0..<column { offset += 8 + count(at: offset) * 8 }
        #expect(count(at: offset) == state.rowCount)
        change(&bytes, offset + 8)
        let crc = UInt32(truncatingIfNeeded: bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count - 4)) })
        for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        return Data(bytes)
    }

    /// Every column of two indexes, and their summaries but for the time taken.
    static func expectEqual(_ a: JourneyIndex, _ b: JourneyIndex, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        #expect(a.differences(from: b) == [], sourceLocation: sourceLocation)
        #expect(a.eventCount == b.eventCount && a.customerCount == b.customerCount, sourceLocation: sourceLocation)
    }
}
