import CustomerData
import Foundation
import JourneyModel
import Testing
import WayfinderTesting

/// The presets shipped for the exports of other tools: every one reads, each fixture (written from
/// the vendor's export format, no real people) is recognised by its header, and every field lands
/// where `docs/imports/` says.
@Suite("Import presets")
struct ImportPresetTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/imports/\(name)", withExtension: nil)).path
    }

    static func records(_ name: String, preset: String? = nil) throws -> (RecordReader, [InputRecord]) {
        let reader = try RecordReader(path: try fixture(name), mapping: preset.flatMap(ImportPreset.named)?.mapping ?? .standard)
        var records: [InputRecord] = []
        while let record = try reader.next() { records.append(record) }
        return (reader, records)
    }

    static func time(_ text: String) -> Int64 { (try? Timestamp.parse(text)) ?? .min }

    @Test("every shipped preset reads as a mapping file, names itself and lists the columns that recognise it")
    func shipped() throws {
        #expect(!ImportPreset.all.isEmpty)
        for preset in ImportPreset.all {
            guard case .success(let mapping) = CSVMapping.read(Array(preset.text.utf8), file: "\(preset.name).yaml") else {
                Issue.record("\(preset.name) does not read")
                continue
            }
            #expect(mapping == preset.mapping)
            #expect(mapping.name == preset.name)
            #expect(!mapping.recognise.isEmpty && !mapping.events.isEmpty)
        }
        // No two presets recognise the same header.
        for preset in ImportPreset.all { #expect(ImportPreset.recognise(header: preset.mapping.recognise)?.name == preset.name) }
    }

    @Test("Zendesk tickets: recognised by the header; each ticket's creation, solution and rating as events of its requester")
    func zendesk() throws {
        let (reader, records) = try Self.records("zendesk-tickets.csv")
        #expect(reader.mapping.name == "zendesk", "recognised without --preset")
        let events = records.compactMap { try? $0.result.get() }
        #expect(events.count == records.count, "\(records.filter { (try? $0.result.get()) == nil }.map(\.location))")
        // 1042: created, solved, rated Good; 1043: created, solved, rated Bad; 1044: created (open, unoffered); 1045: created, solved (offered, unrated).
        #expect(events.map { $0.messageId ?? "" } == [
            "zendesk-ticket-1042-created", "zendesk-ticket-1042-solved", "zendesk-ticket-1042-csat",
            "zendesk-ticket-1043-created", "zendesk-ticket-1043-solved", "zendesk-ticket-1043-csat",
            "zendesk-ticket-1044-created",
            "zendesk-ticket-1045-created", "zendesk-ticket-1045-solved",
        ])
        #expect(records.map(\.location).prefix(3) == ["line 2, event 1", "line 2, event 2", "line 2, event 3"])
        let created = events[0]
        #expect(created.type == .track && created.name == "Ticket Created")
        #expect(created.timestamp == (Self.time("2026-01-06T09:12:44Z")))
        #expect(created.userId == "u-1001")
        #expect(created.traits["email"]?.text == "maya.hughes@example.com")
        #expect(created.traits["name"]?.text == "Maya Hughes")
        #expect(created.channel == "web")
        #expect(created.properties["ticket_id"] == .number(1042))
        #expect(created.properties["subject"]?.text == "Which size for wide feet?")
        #expect(created.properties["status"]?.text == "Solved" && created.properties["priority"]?.text == "Normal")
        #expect(events[1].name == "Ticket Solved" && events[1].timestamp == (Self.time("2026-01-07 16:38:51")))
        let rating = events[2]
        #expect(rating.type == .feedback && rating.timestamp == (Self.time("2026-01-07 16:40:02")))
        #expect(rating.properties["metric"]?.text == "csat" && rating.properties["score"] == .number(5))
        #expect((try? Feedback.read(from: rating).get())?.score == 5)
        #expect(events[5].properties["score"] == .number(1), "Bad is 1")
        #expect(events[3].channel == "chat" && events[6].channel == "phone" && events[7].channel == "email")
        #expect(events[3].userId == nil, "no external id: the e-mail joins the customer")
    }

    @Test("HubSpot contacts: recognised by the header; an identify with the contact's traits, and the lifecycle stage reached")
    func hubspot() throws {
        let (reader, records) = try Self.records("hubspot-contacts.csv")
        #expect(reader.mapping.name == "hubspot-contacts")
        let events = records.compactMap { try? $0.result.get() }
        #expect(events.count == records.count)
        #expect(events.map { $0.messageId ?? "" } == ["hubspot-contact-51001-created", "hubspot-contact-51001-stage-customer", "hubspot-contact-51002-created",
                                                     "hubspot-contact-51003-created", "hubspot-contact-51003-stage-opportunity"])
        let maya = events[0]
        #expect(maya.type == .identify && maya.timestamp == (Self.time("2026-01-05T14:20:00Z")))
        #expect(maya.traits["email"]?.text == "maya.hughes@example.com" && maya.traits["phone"]?.text == "+44 7700 900123")
        #expect(maya.traits["first_name"]?.text == "Maya" && maya.traits["lifecycle_stage"]?.text == "customer")
        #expect(maya.traits["hubspot_record_id"]?.text == "51001" && maya.traits["country"]?.text == "United Kingdom")
        #expect(maya.userId == nil)
        #expect(events[1].type == .track && events[1].name == "Lifecycle Stage: customer" && events[1].properties["stage"]?.text == "customer")
        #expect(events[1].timestamp == (Self.time("2026-01-21 12:30")))
        #expect(events[2].traits["company"]?.text == "Bristol Harriers" && events[2].traits["job_title"]?.text == "IT contractor")
    }

    @Test("a file lacking a column a preset needs is refused at its header, naming the columns; a row without its event's time says which column is empty")
    func missingColumns() throws {
        let directory = try TemporaryDirectory(prefix: "presets")
        let short = try directory.write("Id,Requester email,Created at\n1,a@example.com,2026-01-01\n", to: "short.csv")
        let failure = #expect(throws: ByteSource.Failure.self) { _ = try RecordReader(path: short, mapping: ImportPreset.named("zendesk")!.mapping) }
        #expect(failure?.description.contains("'Solved at'") == true && failure?.description.contains("zendesk") == true)
        let header = "Id,Requester email,Via,Created at,Satisfaction Score,Solved at,Updated at\n"
        let rows = try directory.write(header + "7,a@example.com,Chat,,Good,,\n8,b@example.com,Chat,,,,\n", to: "rows.csv")
        let reader = try RecordReader(path: rows)
        #expect(reader.mapping.name == "zendesk")
        var problems: [String] = []
        while let record = try reader.next() {
            if case .failure(let problem) = record.result { problems.append("\(record.location): \(problem.message)") }
        }
        // Row 7: rated but no Updated at; row 8: no event at all. Neither is dropped silently.
        #expect(problems.count == 2, "\(problems)")
        #expect(problems[0].contains("'Updated at' is empty"))
        #expect(problems[1].contains("gives no event"))
    }

    @Test("an ordinary CSV file is not taken for an export, and a mapping file's events are checked with positions")
    func ordinaryAndMistakes() throws {
        let directory = try TemporaryDirectory(prefix: "presets")
        let plain = try directory.write("timestamp,event,email,Via\n2026-01-01,Signed Up,a@example.com,Chat\n", to: "plain.csv")
        #expect(try RecordReader(path: plain).mapping == .standard)
        let text = "events:\n  - { type: feedback, timestamp: T }\n  - { type: nonsense, timestamp: T }\n  - { event: X }\n"
            + "  - { timestamp: T, fields: { A: nowhere, B: [x] } }\n  - { timestamp: T, fields: [A] }\n"
        let bad = CSVMapping.read(Array(text.utf8), file: "m.yaml")
        guard case .failure(let problems) = bad else { Issue.record("a mapping with broken events reads"); return }
        let paths = problems.diagnostics.map(\.path)
        #expect(paths == ["events[0].metric", "events[1].type", "events[2].timestamp", "events[3].fields.A", "events[3].fields.B", "events[4].fields"],
                "\(problems.diagnostics)")
    }
}
