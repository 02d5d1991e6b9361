import Foundation
import HTTPTypes
import HummingbirdTesting
import JourneyStore
import Testing
@testable import WayfinderServer
import WayfinderTesting

@Suite("Uploads of damaged files")
struct UploadInputTests {
    /// Uploads `body` as `name` and waits for the job to end.
    static func upload(_ body: String, name: String, contentType: String, query: String = "") async throws -> (UploadJobs.Job, JourneyStore) {
        let harness = try await APIHarness()
        let uploads = harness.server.uploads
        let job = try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/uploads?name=\(name)\(query)", body, as: editor, contentType: contentType)
            try #require(answer.status == 202, "\(answer)")
            let id = try #require(answer["id"] as? String)
            return try #require(await uploads.finished(id))
        }
        return (job, harness.store)
    }

    @Test("an upload whose CSV header has no timestamp column fails naming the file, line 1 and what was expected, and stores nothing")
    func badHeader() async throws {
        let (job, store) = try await Self.upload("when,event,anonymousId\n2026-01-05T10:00:00Z,Viewed,a1\n", name: "events.csv", contentType: "text/csv")
        #expect(job.status == "failed", "\(job)")
        #expect(job.error?.hasPrefix("events.csv: line 1 (the header): no column holds the timestamp") == true, "\(job)")
        #expect(job.records == 0 && job.imported == 0)
        #expect(try store.data.counts().events == 0)
    }

    @Test("an uploaded Segment batch with one message holding 1e309 stores the others and quarantines that one")
    func batch() async throws {
        let messages = (0..<3).map { number in
            #"{"type": "track", "event": "Viewed", "anonymousId": "a\#(number)", "timestamp": "2026-01-05T10:00:00Z", "properties": {"total": \#(number == 1 ? "1e309" : "12")}}"#
        }
        let (job, store) = try await Self.upload(#"{"batch": [\#(messages.joined(separator: ", "))]}"#, name: "batch.json", contentType: "application/json")
        #expect(job.status == "done", "\(job)")
        #expect(job.records == 3 && job.imported == 2 && job.quarantined == 1, "\(job)")
        #expect(try store.data.counts().events == 2)
    }

    static let tickets = """
        Id,Requester,Requester email,Via,Created at,Updated at,Solved at,Satisfaction Score
        7,Maya Hughes,maya@example.com,Chat,2026-01-06 09:12,2026-01-07 16:40,2026-01-07 16:38,Good
        8,Dev Patel,dev@example.org,Email,2026-01-08 18:02,2026-01-08 18:05,,Unoffered

        """

    @Test("an uploaded Zendesk export is read with its preset, recognised from the header or chosen; an unknown preset is refused naming the field")
    func preset() async throws {
        for query in ["", "&preset=auto", "&preset=zendesk"] {
            let (job, store) = try await Self.upload(Self.tickets, name: "tickets.csv", contentType: "text/csv", query: query)
            #expect(job.status == "done" && job.records == 4 && job.imported == 4 && job.quarantined == 0, "\(query): \(job)")
            #expect(try store.data.counts().customers == 2)
        }
        let harness = try await APIHarness()
        try await harness.test { client in
            let editor = try await client.signIn("editor@example.com")
            let answer = try await client.call(.post, "/api/v1/workspaces/shop/uploads?name=t.csv&preset=zendesk2", Self.tickets, as: editor, contentType: "text/csv")
            #expect(answer.status == 400 && "\(answer)".contains("preset"), "\(answer)")
        }
    }

    static let ga4Lines = """
        {"event_timestamp":"1767690760512300","event_name":"page_view","user_pseudo_id":"111.222","event_params":[{"key":"page_title","value":{"string_value":"Home","int_value":null}}],"platform":"WEB"}
        {"event_timestamp":"1767690842118000","event_name":"purchase","user_pseudo_id":"111.222","user_id":"u-7","event_params":[],"ecommerce":{"purchase_revenue":59.5,"transaction_id":"T-1"},"platform":"WEB"}

        """

    @Test("an uploaded GA4 extract is read as JSON lines with its preset, under a .json name as BigQuery writes it, or recognised under .ndjson")
    func ga4() async throws {
        for (name, contentType, query) in [("events-000000000000.json", "application/json", "&preset=ga4"), ("events.ndjson", "application/x-ndjson", "")] {
            let (job, store) = try await Self.upload(Self.ga4Lines, name: name, contentType: contentType, query: query)
            #expect(job.status == "done" && job.records == 2 && job.imported == 2 && job.quarantined == 0, "\(name): \(job)")
            #expect(try store.data.counts().customers == 1, "the browser and the user it logged in as are one customer")
        }
    }
}
