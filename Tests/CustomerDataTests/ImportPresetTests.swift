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

    static func records(_ name: String, preset: String? = nil, arguments: [String: String] = [:]) throws -> (RecordReader, [InputRecord]) {
        let mapping = preset.flatMap(ImportPreset.named)?.mapping ?? .standard
        let reader = try RecordReader(path: try fixture(name), mapping: mapping.with(arguments: arguments))
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
        for preset in ImportPreset.all { #expect(ImportPreset.recognise(header: preset.mapping.recognise, format: preset.mapping.format ?? .csv)?.name == preset.name) }
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
        // The Twitter Username, without its @ and lower-cased, is an identifier social mentions share.
        #expect(Identifier.all(of: maya).map(\.description).contains("external:twitter:mayaruns"))
        #expect(Identifier.all(of: events[2]).map(\.description) == ["email:dev.patel@example.org", "external:hubspot:51002"], "no handle, no Twitter id")
    }

    @Test("GA4 BigQuery export: recognised by its first record; page views, screens and other events of each browser, nested values by path, times in microseconds")
    func ga4() throws {
        let (reader, records) = try Self.records("ga4-events.ndjson")
        #expect(reader.mapping.name == "ga4" && reader.format == .ndjson, "recognised without --preset")
        #expect(records.map(\.location) == (1...9).map { "line \($0)" })
        let events = records.prefix(8).compactMap { try? $0.result.get() }
        #expect(events.count == 8, "\(records.map { "\($0.location): \($0.result)" })")
        #expect(events.map(\.type) == [.track, .page, .page, .track, .track, .track, .screen, .track])
        #expect(events.map { $0.name ?? "" } == ["session_start", "Trail running shoes | Example Shop", "Trail Runner 2", "add_to_cart", "login", "purchase",
                                                 "Order status", "contact_support"])
        // Microseconds to milliseconds, toward the past: .512300 is .512, .000001 is .000.
        #expect(events.map(\.timestamp) == ["2026-01-06T09:12:40.512Z", "2026-01-06T09:12:40.512Z", "2026-01-06T09:14:02.118Z", "2026-01-06T09:15:30.000Z",
                                             "2026-01-06T09:18:05.250Z", "2026-01-06T09:21:47.900Z", "2026-01-08T18:02:10Z", "2026-01-08T18:03:00Z"].map(Self.time))
        #expect(events.prefix(6).allSatisfy { $0.anonymousId == "1197596843.1767690700" && $0.channel == "web" })
        #expect(events.map { $0.userId ?? "" } == ["", "", "", "", "u-1001", "u-1001", "u-1002", "u-1002"])
        // Two events in the same microsecond keep apart by their names and places in the batch.
        #expect(Set(events.compactMap(\.messageId)).count == 8)
        #expect(events[1].messageId == "ga4-1197596843.1767690700-1767690760512300-page_view-1")
        let home = events[1]
        #expect(home.properties["url"]?.text == "https://shop.example.com/?utm_source=google&utm_medium=cpc")
        #expect(home.properties["path"]?.text == "/" && home.properties["referrer"]?.text == "https://www.google.com/")
        #expect(home.properties["title"]?.text == "Trail running shoes | Example Shop")
        #expect(home.properties["session_id"] == .number(1_767_690_760) && home.properties["engagement_time_msec"] == .number(0))
        #expect(home.context.value(at: "device.type")?.text == "desktop" && home.context.value(at: "os.name")?.text == "Windows")
        #expect(home.context.value(at: "location.country")?.text == "United Kingdom" && home.context.value(at: "location.city")?.text == "Bristol")
        #expect(home.context.value(at: "campaign.source")?.text == "google" && home.context.value(at: "campaign.medium")?.text == "cpc")
        #expect(home.context["locale"]?.text == "en-gb")
        #expect(events[2].properties["path"]?.text == "/shoes/trail-runner-2", "the query and fragment are no part of the path")
        #expect(events[3].properties["value"] == .number(129) && events[3].properties["currency"]?.text == "GBP")
        #expect(events[4].context.value(at: "traits.membership")?.text == "gold" && events[4].properties["method"]?.text == "email")
        let purchase = events[5]
        #expect(purchase.properties["revenue"] == .number(129) && purchase.properties["transaction_id"]?.text == "T-5001")
        #expect(purchase.properties["path"]?.text == "/checkout/complete")
        #expect(events[6].channel == "app" && events[6].context.value(at: "os.name")?.text == "iOS" && events[6].anonymousId == "8F1C2A7D44E04B0F9C3D2E1A0B9C8D7E")
        #expect(events[7].properties["topic"]?.text == "delivery")
        // Nothing but the mapped columns: the export's own bookkeeping is left out.
        #expect(home.properties["event_bundle_sequence_id"] == nil && home.context["privacy_info"] == nil)
        guard case .failure(let problem) = records[8].result else { Issue.record("a time of 22 digits was read"); return }
        #expect(problem.message.contains("'event_timestamp'") && problem.message.contains("microseconds"), "\(problem.message)")
    }

    @Test("GA4: a .json extract named with --preset is read as JSON lines; JSON lines of Segment events are not taken for GA4")
    func ga4Format() throws {
        let directory = try TemporaryDirectory(prefix: "presets")
        let text = try String(contentsOfFile: try Self.fixture("ga4-events.ndjson"), encoding: .utf8)
        let extract = try directory.write(text, to: "events_20260106-000000000000.json")
        let reader = try RecordReader(path: extract, mapping: ImportPreset.named("ga4")!.mapping)
        #expect(reader.format == .ndjson)
        var read = 0
        while let record = try reader.next() { if case .success = record.result { read += 1 } }
        #expect(read == 8)
        let segment = try directory.write("{\"type\":\"track\",\"event\":\"Signed Up\",\"userId\":\"u1\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n", to: "plain.ndjson")
        let plain = try RecordReader(path: segment)
        #expect(plain.mapping == .standard)
        #expect(try plain.next().map { try $0.result.get().name } == "Signed Up")
    }

    @Test("JSON records as columns: nested paths, key and value lists, typed values, other lists as JSON, nulls and empty texts left out")
    func jsonColumns() throws {
        let record = try JSONParser.parse(#"{"a": {"b": 1, "c": null, "d": ""}, "p": [{"key": "x", "value": {"string_value": null, "int_value": "7"}}, {"key": "y", "value": 2.5}], "l": [1, "two"], "e": [], "t": true, "v": {"total_value": 3, "currency": "EUR"}}"#)
        let columns = JSONColumns.columns(of: record)
        #expect(columns.map(\.name) == ["a.b", "p.x", "p.y", "l", "t", "v.total_value", "v.currency"])
        #expect(columns.map(\.value) == ["1", "7", "2.5", "[1,\"two\"]", "true", "3", "EUR"])
    }

    static let typeformNPS = "How likely are you to recommend Example Shop to a friend?"
    static let why = "What is the main reason for your score?"

    /// The survey answers of the records, as (score, text, metric, message id), and the problems with their locations.
    static func answers(_ records: [InputRecord]) -> (answers: [(score: Double?, text: String?, metric: String, id: String)], problems: [String]) {
        var answers: [(score: Double?, text: String?, metric: String, id: String)] = [], problems: [String] = []
        for record in records {
            switch record.result {
            case .success(let event):
                guard case .success(let answer) = Feedback.read(from: event) else { problems.append("\(record.location): not an answer"); continue }
                answers.append((answer.score, answer.text, answer.metric.rawValue, event.messageId ?? ""))
            case .failure(let problem): problems.append("\(record.location): \(problem.message)")
            }
        }
        return (answers, problems)
    }

    @Test("Typeform responses: the chosen question's answers are scores with the comment as text; a skipped question with a comment is a text answer; unsubmitted and empty responses say why")
    func typeform() throws {
        let (reader, records) = try Self.records("typeform-responses.csv", arguments: ["question": Self.typeformNPS, "comment": Self.why])
        #expect(reader.mapping.name == "typeform", "recognised without --preset")
        let (answers, problems) = Self.answers(records)
        #expect(answers.map(\.score) == [9, 3, nil] && answers.map(\.metric) == ["nps", "nps", "text"])
        #expect(answers.map(\.text) == ["Great fit, fast delivery", "The order was late, and support never called back", "I couldn't find my size anywhere"])
        #expect(answers.map(\.id) == ["typeform-mq3ej8tuxkz1mq3e0jeb8d2j6v5ldq6a-score", "typeform-z8yq1r0tw2e4r6t8y0u2i4o6p8a0s2d4-score",
                                      "typeform-k4j5h6g7f8d9s0a1p2o3i4u5y6t7r8e9-text"])
        // Line 5 was never submitted; line 6 answered nothing: neither is dropped silently.
        #expect(problems.count == 2 && problems[0].hasPrefix("line 5:") && problems[0].contains("'Submit Date (UTC)' is empty")
                && problems[1].hasPrefix("line 6:") && problems[1].contains("gives no event"), "\(problems)")
        let maya = try records[0].result.get()
        #expect(maya.type == .feedback && maya.name == "Survey Answered" && maya.timestamp == Self.time("2026-01-12T10:15:03Z"))
        #expect(maya.userId == "u-1001" && maya.traits["email"]?.text == "maya.hughes@example.com" && maya.properties["response_type"]?.text == "completed")
        // Without a comment column the score comes alone; a CSAT question is read as CSAT.
        let (_, plain) = try Self.records("typeform-responses.csv", preset: "typeform", arguments: ["question": Self.typeformNPS, "metric": "csat"])
        let (csat, csatProblems) = Self.answers(plain)
        #expect(csat.map(\.metric) == ["csat"] && csat.map(\.text) == [nil], "a score of 9 is no CSAT (1 to 5): \(csatProblems)")
        #expect(csatProblems.contains { $0.hasPrefix("line 2:") } && csatProblems.count == 4, "\(csatProblems)")
        #expect(!csatProblems.joined().contains("\u{0}"), "no stand-in for an unchosen column shows: \(csatProblems)")
        #expect(csatProblems.contains { $0.hasPrefix("line 4:") && $0.contains("no event's condition on '\(Self.typeformNPS)' holds") }, "\(csatProblems)")
    }

    @Test("a survey export without the question chosen is refused at its header, listing the columns to choose from; so is a metric that is none")
    func surveyQuestionMissing() throws {
        let path = try Self.fixture("typeform-responses.csv")
        let failure = #expect(throws: ByteSource.Failure.self) { _ = try RecordReader(path: path) }
        let message = failure?.description ?? ""
        #expect(message.contains("typeform export needs the question whose answers are the score") && message.contains("--question")
                && message.contains("'\(Self.typeformNPS)'") && message.hasPrefix("line 1 (the header)"), "\(message)")
        let wrong = #expect(throws: ByteSource.Failure.self) { _ = try RecordReader(path: path, mapping: CSVMapping.standard.with(arguments: ["question": "Nope"])) }
        #expect(wrong?.description.contains("'Nope'") == true, "a question that is no column is named: \(wrong?.description ?? "")")
        let metric = #expect(throws: ByteSource.Failure.self) {
            _ = try RecordReader(path: path, mapping: CSVMapping.standard.with(arguments: ["question": Self.typeformNPS, "metric": "stars"]))
        }
        #expect(metric?.description.contains("'stars' is not a survey metric") == true, "\(metric?.description ?? "")")
    }

    @Test("SurveyMonkey responses: two header rows, dates month first with AM and PM, Custom Data 1 as the user id")
    func surveymonkey() throws {
        let question = "How likely is it that you would recommend Example Shop to a friend or colleague?"
        let (reader, records) = try Self.records("surveymonkey-responses.csv", arguments: ["question": question, "comment": Self.why])
        #expect(reader.mapping.name == "surveymonkey")
        #expect(records.map(\.location) == ["line 3", "line 4", "line 5"], "the second header row is no response")
        let (answers, problems) = Self.answers(records)
        #expect(problems.isEmpty, "\(problems)")
        #expect(answers.map(\.score) == [9, 3, nil] && answers.map(\.text) == ["Great fit, fast delivery", "Late, and nobody called back", "I couldn't find my size anywhere"])
        let events = records.compactMap { try? $0.result.get() }
        #expect(events.map(\.timestamp) == ["2026-01-12T10:15:03Z", "2026-01-13T21:05:10Z", "2026-01-14T00:02:30Z"].map(Self.time))
        #expect(events[0].userId == "u-1001" && events[0].traits["first_name"]?.text == "Maya" && events[1].userId == nil)
        #expect(events[1].traits["email"]?.text == "dev.patel@example.org" && events[0].messageId == "surveymonkey-118263547391-score")
    }

    @Test("Qualtrics responses: three header rows (one spanning two lines), questions chosen by id, a CES question, the contact's reference as the user id")
    func qualtrics() throws {
        let (reader, records) = try Self.records("qualtrics-responses.csv", arguments: ["question": "Q1", "comment": "Q2"])
        #expect(reader.mapping.name == "qualtrics")
        #expect(records.map(\.location) == ["line 5", "line 6", "line 7"], "\(records.map(\.location))")
        let (answers, problems) = Self.answers(records)
        #expect(problems.isEmpty, "\(problems)")
        #expect(answers.map(\.score) == [9, 3, nil] && answers.map(\.metric) == ["nps", "nps", "text"] && answers[2].text == "I couldn't find my size anywhere")
        let maya = try records[0].result.get()
        #expect(maya.timestamp == Self.time("2026-01-12T10:15:04Z") && maya.userId == "u-1001" && maya.traits["email"]?.text == "maya.hughes@example.com")
        #expect(maya.properties["distribution_channel"]?.text == "email" && maya.context["locale"]?.text == "EN-GB" && maya.messageId == "qualtrics-R_1dA2bC3dE4fG5hI-score")
        let (_, ces) = try Self.records("qualtrics-responses.csv", preset: "qualtrics", arguments: ["question": "Q3", "metric": "ces"])
        let (cesAnswers, cesProblems) = Self.answers(ces)
        #expect(cesAnswers.map(\.score) == [6, 2] && cesAnswers.allSatisfy { $0.metric == "ces" && $0.text == nil })
        #expect(cesProblems.count == 1 && cesProblems[0].hasPrefix("line 7:") && cesProblems[0].contains("gives no event"), "\(cesProblems)")
    }

    @Test("dates with slashes: month or day first, with or without seconds and AM or PM; anything else is left to the timestamp reader")
    func slashDates() {
        let us = CSVMapping.TimeFormat.monthDayYear, eu = CSVMapping.TimeFormat.dayMonthYear
        #expect(us.iso("01/12/2026 10:15:03 AM") == "2026-01-12T10:15:03Z" && us.iso("01/12/2026 12:05 AM") == "2026-01-12T00:05:00Z")
        #expect(us.iso("1/2/2026 12:00:00 PM") == "2026-01-02T12:00:00Z" && us.iso("01/13/2026 09:05:10 pm") == "2026-01-13T21:05:10Z")
        #expect(eu.iso("13/01/2026 22:15") == "2026-01-13T22:15:00Z" && eu.iso("13/01/2026") == "2026-01-13T00:00:00Z")
        #expect(us.iso("01/12/0999") == "0999-01-12T00:00:00Z", "the year keeps four digits")
        for bad in ["13/01/2026", "01/12/26 10:00", "01/12/2026 13:00 PM", "01/12/2026 00:30 AM", "01/12/2026 10:61", "2026-01-12 10:15", "", "01/12/2026 10:15 AM extra"] {
            #expect(us.iso(bad) == nil, "\(bad)")
        }
    }

    @Test("Salesforce's data export: contacts, tasks, meetings and opportunities, each recognised and joined by the contact's Salesforce id; a task of no contact says why")
    func salesforce() throws {
        let (contactsReader, contacts) = try Self.records("salesforce-Contact.csv")
        #expect(contactsReader.mapping.name == "salesforce-contacts")
        let dev = try contacts[0].result.get()
        #expect(dev.type == .identify && dev.timestamp == Self.time("2026-01-07T20:02:11Z") && dev.messageId == "salesforce-contact-0035g00000DvPtLAAV-created")
        #expect(Identifier.all(of: dev).map(\.description) == ["email:dev.patel@example.org", "phone:+447700900456", "external:salesforce:0035g00000DvPtLAAV"])
        #expect(dev.traits["first_name"]?.text == "Dev" && dev.traits["lead_source"]?.text == "Web" && dev.traits["salesforce_account_id"]?.text == "0015g00000BrHrAAAV")
        #expect(Identifier.all(of: try contacts[1].result.get()).map(\.description).contains("phone:+441134960000"), "Phone when there is no MobilePhone")

        let (tasksReader, tasks) = try Self.records("salesforce-Task.csv")
        #expect(tasksReader.mapping.name == "salesforce-tasks")
        let logged = tasks.prefix(3).compactMap { try? $0.result.get() }
        #expect(logged.map { $0.name ?? "" } == ["Sales Call", "Sales Email", "Sales Task"] && logged.map { $0.channel ?? "" } == ["phone", "email", "sales"])
        #expect(logged.map(\.timestamp) == ["2026-01-12T10:05:00Z", "2026-01-13T09:00:00Z", "2026-01-11T08:00:00Z"].map(Self.time))
        #expect(logged.map { Identifier.all(of: $0).map(\.description) } == [["external:salesforce:0035g00000DvPtLAAV"], ["external:salesforce:0035g00000DvPtLAAV"],
                                                                          ["external:salesforce:0035g00000PrShAAAV"]])
        #expect(logged[0].properties["call_seconds"] == .number(420) && logged[0].properties["call_type"]?.text == "Outbound" && logged[0].messageId == "salesforce-task-00T5g00000CaLLAAA1")
        guard case .failure(let orphan) = tasks[3].result else { Issue.record("a task of an account alone was read as a customer's"); return }
        #expect(orphan.message.contains("no usable customer id") && orphan.message.contains("externalIds"), "\(orphan.message)")

        let (_, meetings) = try Self.records("salesforce-Event.csv")
        let meeting = try meetings[0].result.get()
        #expect(meeting.name == "Sales Meeting" && meeting.channel == "sales" && meeting.timestamp == Self.time("2026-01-16T17:00:00Z"))
        #expect(meeting.properties["location"]?.text == "Bristol store" && Identifier.all(of: meeting).map(\.description) == ["external:salesforce:0035g00000DvPtLAAV"])

        let (_, deals) = try Self.records("salesforce-Opportunity.csv")
        let won = try deals[0].result.get(), open = try deals[1].result.get()
        #expect(won.name == "Opportunity Stage: Closed Won" && won.timestamp == Self.time("2026-01-20T15:00:00Z") && won.properties["amount"] == .number(2580))
        #expect(won.properties["won"] == .bool(true) && won.messageId == "salesforce-opportunity-0065g00000OpPtAAAQ-Closed Won")
        #expect(open.name == "Opportunity Stage: Negotiation/Review" && Identifier.all(of: open).map(\.description) == ["external:salesforce:0035g00000PrShAAAV"])
    }

    @Test("HubSpot calls, e-mails, meetings and deals: each recognised, each activity an event of its first associated contact, joined by the contact's record id and e-mail; an activity of no contact says why")
    func hubspotActivities() throws {
        let (contactsReader, contacts) = try Self.records("hubspot-contacts.csv")
        #expect(contactsReader.mapping.name == "hubspot-contacts")
        #expect(Identifier.all(of: try contacts[0].result.get()).map(\.description).contains("external:hubspot:51001"), "the contact's record id joins its activities")

        let (callsReader, calls) = try Self.records("hubspot-calls.csv")
        #expect(callsReader.mapping.name == "hubspot-calls")
        let call = try calls[0].result.get(), second = try calls[1].result.get()
        #expect(call.name == "Sales Call" && call.channel == "phone" && call.timestamp == Self.time("2026-01-12T10:05:00Z") && call.messageId == "hubspot-call-38120001")
        #expect(Identifier.all(of: call).map(\.description) == ["email:maya.hughes@example.com", "external:hubspot:51001"])
        #expect(call.properties["direction"]?.text == "Outbound" && call.properties["outcome"]?.text == "Connected" && call.properties["duration"]?.text == "00:07:00")
        #expect(Identifier.all(of: second).map(\.description) == ["email:dev.patel@example.org", "external:hubspot:51002"], "the first of several associated contacts")
        guard case .failure(let orphan) = calls[2].result else { Issue.record("a call of a company alone was read as a customer's"); return }
        #expect(orphan.message.contains("no usable customer id"), "\(orphan.message)")

        let (emailsReader, emails) = try Self.records("hubspot-emails.csv")
        #expect(emailsReader.mapping.name == "hubspot-emails")
        let sent = try emails.map { try $0.result.get() }
        #expect(sent.map { $0.name ?? "" } == ["Sales Email", "Sales Email"] && sent.allSatisfy { $0.channel == "email" })
        #expect(sent.map { $0.properties["direction"]?.text ?? "" } == ["Email", "Incoming email"] && sent[1].timestamp == Self.time("2026-01-13T18:22:00Z"))

        let (meetingsReader, meetings) = try Self.records("hubspot-meetings.csv")
        #expect(meetingsReader.mapping.name == "hubspot-meetings")
        let kept = try meetings.map { try $0.result.get() }
        #expect(kept.map { $0.properties["outcome"]?.text ?? "" } == ["Completed", "No show"] && kept.allSatisfy { $0.name == "Sales Meeting" && $0.channel == "sales" })
        #expect(Identifier.all(of: kept[1]).map(\.description) == ["external:hubspot:51002"], "the record id alone joins when no e-mail is named")

        let (dealsReader, deals) = try Self.records("hubspot-deals.csv")
        #expect(dealsReader.mapping.name == "hubspot-deals")
        let stages = try deals.map { try $0.result.get() }
        #expect(stages.map { $0.name ?? "" } == ["Deal Created", "Deal Stage: Appointment Scheduled", "Deal Stage: Qualified To Buy", "Deal Stage: Contract Sent",
                                                  "Deal Stage: Closed Won", "Deal Created", "Deal Stage: Appointment Scheduled", "Deal Stage: Qualified To Buy"])
        #expect(stages[4].timestamp == Self.time("2026-01-20T15:00:00Z") && stages[4].messageId == "hubspot-deal-9120001-closedwon" && stages[4].properties["amount"] == .number(2580))
        #expect(Set(stages.prefix(5).map { Identifier.all(of: $0).map(\.description) }) == [["email:dev.patel@example.org", "external:hubspot:51002"]])
    }

    @Test("column filters: the first of a list, the e-mail inside a name, a URL's path, a handle")
    func columnFilters() {
        typealias Filter = CSVMapping.ColumnFilter
        #expect(Filter.first.apply("51002; 51001") == "51002" && Filter.first.apply(" ;,51003") == "51003" && Filter.first.apply(" ; ") == nil)
        #expect(Filter.email.apply("Dev Patel (dev.patel@example.org);Maya Hughes (maya@example.com)") == "dev.patel@example.org")
        #expect(Filter.email.apply("<maya@example.com>") == "maya@example.com" && Filter.email.apply("Maya Hughes") == nil)
        // The address of the first item only, as `first` takes the first id: never another contact's.
        #expect(Filter.email.apply("Maya Hughes;Dev Patel (dev.patel@example.org)") == nil)
        #expect(Filter.email.apply("Sean O'Neill (sean.o'neill@example.com)") == "sean.o'neill@example.com" && Filter.email.apply("'sam@example.com'") == "sam@example.com")
        #expect(Filter.path.apply("https://shop.example.com/a/b?x=1#y") == "/a/b" && Filter.handle.apply(" @@MayaRuns ") == "mayaruns")
    }

    @Test("social mentions: text answers on the social channel, the platform's name made one, the author's handle an identifier of that platform")
    func social() throws {
        let (reader, records) = try Self.records("social-mentions.csv")
        #expect(reader.mapping.name == "social")
        let mentions = records.compactMap { try? $0.result.get() }
        #expect(mentions.count == 3)
        #expect(mentions.allSatisfy { $0.type == .feedback && $0.name == "Social Mention" && $0.channel == "social" })
        #expect(mentions.map { Identifier.all(of: $0).map(\.description) } == [["external:twitter:mayaruns"], ["external:instagram:dev.p.runs"], ["external:reddit:u/trailfan"]])
        #expect(mentions.map { $0.properties["platform"]?.text ?? "" } == ["twitter", "instagram", "reddit"])
        let answer = try #require(try? Feedback.read(from: mentions[1]).get())
        #expect(answer.metric == .text && answer.score == nil && answer.text?.hasPrefix("Still waiting for my order") == true)
        #expect(mentions[0].messageId == "social-https://x.com/MayaRuns/status/1877312000000000001" && mentions[0].timestamp == Self.time("2026-01-09T08:30:00Z"))
        #expect(mentions[0].properties["followers"] == .number(412) && mentions[0].properties["tool_sentiment"]?.text == "positive" && mentions[0].traits["name"]?.text == "Maya Hughes")
    }

    @Test("Adobe Analytics data feed: recognised by column_headers.tsv beside the hits; page views, links and each commerce event of a hit; excluded hits set aside")
    func adobe() throws {
        let (reader, records) = try Self.records("adobe-feed/hit_data.tsv")
        #expect(reader.mapping.name == "adobe-analytics", "recognised without --preset")
        #expect(records.map(\.location) == ["line 1", "line 2, event 1", "line 2, event 2", "line 3, event 1", "line 3, event 2", "line 4, event 1", "line 4, event 2",
                                            "line 5", "line 6"], "no header row: the first line is a hit")
        let events = records.compactMap { try? $0.result.get() }
        #expect(events.map { $0.name ?? "" } == ["Home", "Trail Runner 2 \"Blue\"", "Product Viewed", "Link Clicked", "Product Added", "Order Confirmation", "Order Completed",
                                                 "Winter\tSale\\Outlet"], "quotes are text; \\t and \\\\ are a tab and a backslash")
        #expect(events.map(\.type) == [.page, .page, .track, .track, .track, .page, .track, .page])
        #expect(events.prefix(7).allSatisfy { $0.anonymousId == "3057280000000000001-6917529027641081856" && $0.channel == "web" })
        #expect(events[7].anonymousId == "3057280000000000002-6917529027641081999")
        #expect(Array(events.map(\.timestamp).prefix(3)) == ["2026-01-06T09:12:40Z", "2026-01-06T09:14:02Z", "2026-01-06T09:14:02Z"].map(Self.time))
        #expect(events[0].context.value(at: "campaign.name")?.text == "winter_sale" && events[0].properties["path"]?.text == "/")
        #expect(events[1].properties["path"]?.text == "/shoes/trail-runner-2" && events[1].properties["url"]?.text == "https://shop.example.com/shoes/trail-runner-2?colour=blue")
        #expect(events[3].properties["link_name"]?.text == "add to basket" && events[3].messageId == "adobe-1000000000000000003-2000000000000000003-link")
        #expect(events[6].properties["order_id"]?.text == "ORD-5001" && events[6].messageId == "adobe-1000000000000000004-2000000000000000004-1", "200=5 is no purchase, 1 is")
        #expect(events[0].properties["site_section"]?.text == "Shop" && events[0].context.value(at: "location.country")?.text == "gbr")
        guard case .failure(let excluded) = records[7].result else { Issue.record("an excluded hit was read"); return }
        #expect(excluded.message.contains("gives no event") && excluded.message.contains("'exclude_hit'"), "\(excluded.message)")
    }

    @Test("Adobe Analytics: a feed without its column_headers.tsv, or uploaded alone, is refused saying where the names come from")
    func adobeWithoutHeaders() throws {
        let directory = try TemporaryDirectory(prefix: "presets")
        let hits = try String(contentsOfFile: try Self.fixture("adobe-feed/hit_data.tsv"), encoding: .utf8)
        let alone = try directory.write(hits, to: "hit_data.tsv")
        // Without the names, the first hit is read as a header, which names no time.
        #expect(throws: ByteSource.Failure.self) { _ = try RecordReader(path: alone) }
        let preset = ImportPreset.named("adobe-analytics")!.mapping
        let missing = #expect(throws: ByteSource.Failure.self) { _ = try RecordReader(path: alone, mapping: preset) }
        #expect(missing?.description.contains("column_headers.tsv beside the data file") == true, "\(missing?.description ?? "")")
        let upload = #expect(throws: ByteSource.Failure.self) {
            var sent = false
            let source = try ByteSource(size: Int64(hits.utf8.count)) { _ in
                defer { sent = true }
                return sent ? Data() : Data(hits.utf8)
            }
            _ = try RecordReader(source: source, format: .csv, mapping: preset)
        }
        #expect(upload?.description.contains("an upload does not carry") == true, "\(upload?.description ?? "")")
    }

    @Test("backslash escapes: no quotes, \\t \\n \\\\ and an escaped delimiter; a backslash ending the text continues the field on the next line")
    func backslashEscapes() {
        let parser = CSVParser(delimiter: 0x09, escaping: .backslash)
        #expect(parser.parse(ArraySlice("a\\tb\tc\\\\d\t\"q\"\te\\\tf\t".utf8)) == .fields(["a\tb", "c\\d", "\"q\"", "e\tf", ""]))
        #expect(parser.parse(ArraySlice("one\ttwo\\".utf8)) == .unterminated)
        #expect(parser.parse(ArraySlice("one\ttwo\\\nthree".utf8)) == .fields(["one", "two\nthree"]))
        #expect(parser.parse(ArraySlice("x\\ny".utf8)) == .fields(["x\ny"]))
    }

    @Test("Mailchimp email activity: each action of a recipient an event of that e-mail; a recipient with no activity set aside; unsubscribes with their reason; sends at the campaign's send time")
    func mailchimp() throws {
        let (reader, records) = try Self.records("mailchimp-activity.ndjson")
        #expect(reader.mapping.name == "mailchimp", "recognised by its first record")
        #expect(records.map(\.location) == ["line 1, event 1", "line 1, event 2", "line 2", "line 3"])
        let events = records.prefix(3).compactMap { try? $0.result.get() }
        #expect(events.map { $0.name ?? "" } == ["Email Opened", "Email Clicked", "Email Bounced"] && events.allSatisfy { $0.channel == "email" })
        #expect(events.map(\.timestamp) == ["2026-01-04T18:02:11Z", "2026-01-04T18:03:40Z", "2026-01-04T18:00:05Z"].map(Self.time))
        #expect(events.map { Identifier.all(of: $0).map(\.description) } == [["email:maya.hughes@example.com"], ["email:maya.hughes@example.com"], ["email:dev.patel@example.org"]])
        #expect(events[1].properties["url"]?.text == "https://shop.example.com/sale/winter?utm_source=mailchimp&utm_campaign=winter" && events[1].properties["path"]?.text == "/sale/winter")
        #expect(events[2].properties["bounce_type"]?.text == "soft" && events[0].properties["campaign_id"]?.text == "42694e9e57")
        #expect(events[0].messageId == "mailchimp-42694e9e57-1f5b7d4c0a8f2e3d9c6b5a4f3e2d1c0b-open-2026-01-04T18:02:11+00:00")
        // A record listing more items than are read is refused whole, never read in part.
        let directory = try TemporaryDirectory(prefix: "presets")
        let many = try directory.write(#"{"email_address":"a@example.com","email_id":"e","campaign_id":"c","activity":["# + Array(repeating: "{}", count: 4_097).joined(separator: ",") + "]}\n",
                                       to: "many.ndjson")
        let manyReader = try RecordReader(path: many)
        #expect(manyReader.mapping.name == "mailchimp")
        let manyRecords = try #require(try manyReader.next())
        #expect(try manyReader.next() == nil)
        guard case .failure(let tooMany) = manyRecords.result else { Issue.record("4,097 items were read"); return }
        #expect(tooMany.message.contains("more than 4096 items"), "\(tooMany.message)")
        guard case .failure(let nothing) = records[3].result else { Issue.record("a recipient with no activity gave an event"); return }
        #expect(nothing.message.contains("'activity' lists nothing"), "\(nothing.message)")

        let (unsubscribesReader, unsubscribes) = try Self.records("mailchimp-unsubscribes.ndjson")
        #expect(unsubscribesReader.mapping.name == "mailchimp-unsubscribes")
        let gone = try unsubscribes[0].result.get()
        #expect(gone.name == "Email Unsubscribed" && gone.channel == "email" && gone.timestamp == Self.time("2026-01-05T09:00:00Z"))
        #expect(gone.properties["reason"]?.text == "I receive too many emails" && gone.traits["first_name"]?.text == "Dev" && gone.traits["email"]?.text == "dev.patel@example.org")

        // Sends: the sent-to report, with the campaign's send time added to each recipient.
        let (sentReader, sent) = try Self.records("mailchimp-sent.ndjson")
        #expect(sentReader.mapping.name == "mailchimp-sent", "recognised by its first record")
        let delivered = sent.prefix(2).compactMap { try? $0.result.get() }
        #expect(delivered.count == 2 && delivered.allSatisfy { $0.name == "Email Sent" && $0.channel == "email" && $0.timestamp == Self.time("2026-01-04T17:00:00Z") })
        #expect(delivered.map { Identifier.all(of: $0).map(\.description) } == [["email:maya.hughes@example.com"], ["email:dev.patel@example.org"]])
        #expect(delivered[0].messageId == "mailchimp-42694e9e57-1f5b7d4c0a8f2e3d9c6b5a4f3e2d1c0b-sent" && delivered[0].properties["campaign_id"]?.text == "42694e9e57")
        #expect(delivered[0].traits["first_name"]?.text == "Maya")
        guard case .failure(let bounced) = sent[2].result else { Issue.record("a hard bounce was read as a send"); return }
        #expect(bounced.message.contains("gives no event"), "\(bounced.message)")
        guard case .failure(let undated) = sent[3].result else { Issue.record("a send without send_time was read"); return }
        #expect(undated.message.contains("send_time"), "\(undated.message)")
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
        let more = "format: segment\ntime_unit: nanoseconds\ncolumns: { \"a.*\": properties.a, b: \"properties.*\" }\nevents:\n"
            + "  - { timestamp: T, when: {} }\n  - { timestamp: T, unless: { E: [a, [b]] } }\n  - { timestamp: T, when: [E] }\n"
        guard case .failure(let second) = CSVMapping.read(Array(more.utf8), file: "n.yaml") else { Issue.record("a mapping with broken conditions reads"); return }
        #expect(second.diagnostics.map(\.path) == ["format", "time_unit", "columns.a.*", "columns.b", "events[0].when", "events[1].unless.E", "events[2].when"],
                "\(second.diagnostics)")
        #expect(second.diagnostics.allSatisfy { $0.line > 0 }, "every problem has its position")
    }

    @Test("a mapping's conditions on values pick a row's events; a prefix maps every column under it; epoch times in the unit the mapping says")
    func conditionsAndUnits() throws {
        let mappingText = """
            time_unit: seconds
            others: ignore
            columns: { "extra.*": "properties.*", who: userId }
            events:
              - { when: { kind: [visit, view] }, timestamp: at, type: page, event: "{page|path}" }
              - { unless: { kind: [visit, view, skip] }, timestamp: at, type: track, event: "{kind}" }
            """
        guard case .success(let mapping) = CSVMapping.read(Array(mappingText.utf8), file: "m.yaml") else { Issue.record("the mapping does not read"); return }
        let directory = try TemporaryDirectory(prefix: "presets")
        let file = try directory.write("who,kind,at,page,extra.plan,extra.seats\nu1,visit,1767690760,https://a.example/x/y?q=1,pro,3\nu1,Bought,-1,,,\nu1,skip,1767690760,,,\nu2,view,12e3,/z,,\n",
                                       to: "rows.csv")
        let reader = try RecordReader(path: file, mapping: mapping)
        var results: [Result<Event, RecordProblem>] = []
        while let record = try reader.next() { results.append(record.result) }
        #expect(results.count == 4)
        let visit = try results[0].get()
        #expect(visit.type == .page && visit.name == "/x/y" && visit.userId == "u1" && visit.timestamp == 1_767_690_760_000)
        #expect(visit.properties["plan"]?.text == "pro" && visit.properties["seats"] == .number(3) && visit.properties["page"] == nil)
        let bought = try results[1].get()
        #expect(bought.type == .track && bought.name == "Bought" && bought.timestamp == -1000)
        guard case .failure(let none) = results[2], case .failure(let badTime) = results[3] else { Issue.record("\(results)"); return }
        #expect(none.message.contains("gives no event") && none.message.contains("'kind'"), "\(none.message)")
        #expect(badTime.message.contains("'at'") && badTime.message.contains("seconds"), "\(badTime.message)")
        // Units: whole numbers only, within the years an event can have.
        #expect(CSVMapping.TimeUnit.microseconds.milliseconds("-1") == -1 && CSVMapping.TimeUnit.microseconds.milliseconds("1999") == 1)
        #expect(CSVMapping.TimeUnit.seconds.milliseconds("99999999999999999") == nil && CSVMapping.TimeUnit.milliseconds.milliseconds("9223372036854775808") == nil)
        #expect(CSVMapping.TimeUnit.milliseconds.milliseconds("1.5") == nil && CSVMapping.TimeUnit.seconds.milliseconds("") == nil && CSVMapping.TimeUnit.seconds.milliseconds("-") == nil)
        // The most negative values are refused, not a trap; so are years past 9999.
        for extreme in ["-9223372036854775808", "-9223372036854774809", "9223372036854775807"] {
            #expect(CSVMapping.TimeUnit.microseconds.milliseconds(extreme) == nil && CSVMapping.TimeUnit.milliseconds.milliseconds(extreme) == nil)
        }
        #expect(CSVMapping.TimeUnit.seconds.milliseconds("253402300800") == nil && CSVMapping.TimeUnit.seconds.milliseconds("253402300799") == 253_402_300_799_000)
        #expect(CSVMapping.TimeUnit.seconds.milliseconds("-62167219200") == -62_167_219_200_000 && CSVMapping.TimeUnit.seconds.milliseconds("-62167219201") == nil)
    }
}
