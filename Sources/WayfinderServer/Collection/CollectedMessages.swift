import CustomerData
import Foundation
import HTTPTypes
import JourneyStore

/// The messages of one collection request, checked and prepared for the writer.
///
/// Every message is decoded as `wayfinder import` decodes a Segment batch file. One bad
/// message refuses the whole request (400, each problem with its field path) and one message
/// over the size limit refuses it with 413, so a request is stored whole or not at all.
struct CollectedMessages {
    /// One record per message, prepared for storing.
    var records: [InputRecord]

    /// Reads the messages of a parsed body: the body itself for a single-message route, its
    /// `batch` list for `/v1/batch`.
    ///
    /// `receivedAt` (ISO 8601) is given to messages without any time, as Segment does.
    init(body: JSONValue, route: CollectionRoute, limits: CollectionLimits, receivedAt: String, options: Importer.Options) throws(APIError) {
        let messages: [(location: String, message: JSONValue)]
        if route == .batch {
            guard case .array(let items)? = body["batch"] else {
                throw APIError(.badRequest, .invalidRequest, #"a batch is a JSON object whose "batch" is a list of messages: {"batch": [{"type": "track", …}]}"#)
            }
            guard items.count <= limits.batchMessages else {
                throw APIError(.contentTooLarge, .tooLarge, "the batch has \(items.count) messages; send at most \(limits.batchMessages) a request")
            }
            messages = items.enumerated().map { ("batch[\($0.offset)]", $0.element) }
        } else {
            guard case .object = body else {
                throw APIError(.badRequest, .invalidRequest, "the body must be one JSON object: the \(route.rawValue) message")
            }
            messages = [("", body)]
        }

        var problems: [APIError.Problem] = []
        var records: [InputRecord] = []
        records.reserveCapacity(messages.count)
        var bytes: [UInt8] = []
        for (index, (location, original)) in messages.enumerated() {
            func problem(_ field: String, _ message: String) {
                let path = [location, field].filter { !$0.isEmpty }.joined(separator: ".")
                problems.append(APIError.Problem(field: path.isEmpty ? "body" : path, message: message))
            }
            guard case .object(var entries) = original else {
                problem("", "a message must be a JSON object")
                continue
            }
            // The key is a credential, not part of the event: it must not reach the store or the quarantine file.
            entries.removeAll { $0.0 == "writeKey" }
            if let type = route.type {
                if let given = entries.first(where: { $0.0 == "type" })?.1.text?.lowercased(), given != type.rawValue {
                    let kind = Event.Kind(rawValue: given)
                    problem("type", kind.map { "this route takes \(type.rawValue) messages; send \($0.rawValue) messages to /v1/\($0.rawValue) or /v1/batch" }
                        ?? "this route takes \(type.rawValue) messages; leave type out or set it to \(type.rawValue)")
                    continue
                }
                entries.removeAll { $0.0 == "type" }
                entries.insert(("type", .string(type.rawValue)), at: 0)
            }
            if !entries.contains(where: { ["timestamp", "originalTimestamp", "sentAt", "receivedAt"].contains($0.0) }) {
                entries.append(("receivedAt", .string(receivedAt)))
            }
            let message = JSONValue.object(entries)
            bytes.removeAll(keepingCapacity: true)
            message.write(into: &bytes)
            guard bytes.count <= limits.eventBytes else {
                let name = location.isEmpty ? "the message" : location
                throw APIError(.contentTooLarge, .tooLarge, "\(name) is \(bytes.count) bytes as JSON; an event may have at most \(limits.eventBytes / 1024) KB, so send less in its properties, traits or context")
            }
            switch EventDecoder.decode(message) {
            case .success(let event):
                var record = InputRecord(line: index + 1, location: location.isEmpty ? route.path : location,
                                         text: String(decoding: bytes, as: UTF8.self), result: .success(event))
                record.prepare(junk: options.junk, phoneCountry: options.phoneCountry)
                records.append(record)
            case .failure(let failure):
                problem(failure.field, Self.safeMessage(failure))
            }
        }
        guard problems.isEmpty else {
            let first = problems[0]
            let more = problems.count > 1 ? " (\(problems.count) messages have problems; problems lists each)" : ""
            throw APIError(.badRequest, .invalidEvent, "\(first.field): \(first.message); fix the event and send it again\(more)",
                           problems: Array(problems.prefix(100)))
        }
        self.records = records
    }

    /// The decoder's message without the values that were sent, which may be customer data.
    static func safeMessage(_ problem: RecordProblem) -> String {
        if problem.field == "timestamp" {
            return "expected an ISO 8601 time such as 2026-05-01T12:00:00Z, or epoch seconds or milliseconds"
        }
        var text = problem.message.replacingOccurrences(of: "the record", with: "the message").replacingOccurrences(of: "a record", with: "a message")
        // Quoted values ('…') become "the value".
        while let open = text.firstIndex(of: "'"), let close = text[text.index(after: open)...].firstIndex(of: "'") {
            text.replaceSubrange(open...close, with: "the value")
        }
        return text
    }
}
