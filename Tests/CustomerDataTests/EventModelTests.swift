import CustomerData
import Foundation
import JourneyModel
import Testing

@Suite("Timestamps")
struct TimestampTests {
    /// Expected values from Foundation's ISO 8601 formatter, an independent implementation.
    static func reference(_ text: String) -> Int64 {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return Int64((formatter.date(from: text)!.timeIntervalSince1970 * 1000).rounded())
    }

    @Test("ISO 8601 forms agree with Foundation", arguments: [
        "2026-03-01T09:30:00Z", "2026-03-01T09:30:00.250Z", "2026-03-01T09:30:00+01:00", "2026-03-01T09:30:00.5-05:30",
        "1999-12-31T23:59:59Z", "2024-02-29T12:00:00Z", "1970-01-01T00:00:00Z", "2026-11-23T04:00:00.123+00:00",
    ])
    func iso(text: String) throws {
        #expect(try Timestamp.parse(text) == Self.reference(text))
    }

    @Test("other accepted forms", arguments: [
        ("2026-03-01 09:30:00", "2026-03-01T09:30:00Z"), ("2026-03-01T09:30", "2026-03-01T09:30:00Z"), ("2026-03-01", "2026-03-01T00:00:00Z"),
        ("2026-03-01T09:30:00+0100", "2026-03-01T09:30:00+01:00"), ("1772357400", "2026-03-01T09:30:00Z"),
        ("1772357400250", "2026-03-01T09:30:00.250Z"), ("1772357400.25", "2026-03-01T09:30:00.250Z"), (" 2026-03-01T09:30:00Z ", "2026-03-01T09:30:00Z"),
    ])
    func forms(pair: (String, String)) throws {
        #expect(try Timestamp.parse(pair.0) == Self.reference(pair.1))
    }

    @Test("invalid timestamps are refused with a message", arguments: [
        "", "yesterday", "2026-02-30T00:00:00Z", "2026-13-01", "2026-03-01T25:00:00Z", "2026-03-01T09:30:00+", "2026", "12:00", "2026-03-01Tnoon",
    ])
    func invalid(text: String) {
        #expect(throws: Timestamp.Invalid.self) { try Timestamp.parse(text) }
    }

    @Test("formatting round-trips", arguments: [Int64(0), 1_772_357_400_250, -86_400_000, 4_102_444_800_000, 951_782_400_000])
    func roundTrip(milliseconds: Int64) throws {
        #expect(try Timestamp.parse(Timestamp.iso8601(milliseconds)) == milliseconds)
    }
}

@Suite("Identifiers")
struct IdentifierTests {
    @Test("normalisation", arguments: [
        (Identifier.Kind.email, " Maya.Okafor@Example.COM ", "maya.okafor@example.com"),
        (.phone, "+44 7700 900123", "+447700900123"), (.phone, "0044 (7700) 900-123", "+447700900123"), (.phone, "07700 900123", "07700900123"),
        (.user, "  u-42 ", "u-42"), (.anonymous, "3f1c-aa", "3f1c-aa"),
        (.external, "Salesforce:0035g00000DvPtLAAV", "salesforce:0035g00000DvPtLAAV"), (.external, "twitter: mayaruns ", "twitter:mayaruns"),
        (.external, "hubspot_contact:a:b", "hubspot_contact:a:b"),
    ])
    func normalise(kind: Identifier.Kind, raw: String, expected: String) {
        #expect(Identifier.make(kind, raw)?.value == expected)
    }

    @Test("junk and malformed values are dropped", arguments: [
        (Identifier.Kind.user, "null"), (.user, "undefined"), (.anonymous, "0"), (.user, "Anonymous"), (.user, ""), (.user, "   "),
        (.email, "not-an-email"), (.email, "a@b"), (.phone, "12"), (.anonymous, "00000000-0000-0000-0000-000000000000"),
        (.external, "no-type-here"), (.external, ":0035g"), (.external, "salesforce:"), (.external, "salesforce:null"), (.external, "sales force:1"),
        (.external, String(repeating: "t", count: 41) + ":1"),
    ])
    func junk(kind: Identifier.Kind, raw: String) {
        #expect(Identifier.make(kind, raw) == nil)
    }

    @Test("national phone numbers join their country when it is known")
    func phoneCountry() {
        #expect(Identifier.make(.phone, "07700 900123", phoneCountry: "44")?.value == "+447700900123")
        #expect(Identifier.make(.phone, "+44 7700 900123", phoneCountry: "44")?.value == "+447700900123")
        #expect(Identifier.make(.phone, "0044 7700 900123", phoneCountry: "1")?.value == "+447700900123")
        #expect(Identifier.make(.phone, "07700 900123")?.value == "07700900123")
    }

    @Test("another tool's ids come from Segment's context.externalIds: each entry with an id and a type, at most 16 of them")
    func externalIDs() throws {
        let entries = (0..<20).map { #"{"id": "id-\#($0)", "type": "crm", "collection": "users", "encoding": "none"}"# }.joined(separator: ", ")
        let message = try JSONParser.parse(#"{"type": "track", "event": "E", "timestamp": "2026-01-01T00:00:00Z", "context": {"externalIds": [{"id": "0035g", "type": "Salesforce"}, {"id": "", "type": "x"}, {"type": "y"}, \#(entries)]}}"#)
        let event = try EventDecoder.decode(message).get()
        let found = Identifier.all(of: event).map(\.description)
        #expect(found.first == "external:crm:id-0" && found.contains("external:salesforce:0035g"))
        #expect(found.count == 14, "16 entries read, two of them unusable: \(found)")
        let none = try JSONParser.parse(#"{"type": "track", "event": "E", "timestamp": "2026-01-01T00:00:00Z", "context": {"externalIds": [{"id": "null", "type": "crm"}]}}"#)
        guard case .failure(let problem) = EventDecoder.decode(none) else { Issue.record("an event of a junk external id was read"); return }
        #expect(problem.message.contains("externalIds"))
    }

    @Test("a configurable junk list")
    func configurableJunk() {
        #expect(Identifier.make(.user, "demo-user", junk: Identifier.defaultJunk.union(["demo-user"])) == nil)
        #expect(Identifier.make(.user, "demo-user") != nil)
    }
}

@Suite("Identity graph")
struct IdentityGraphTests {
    func id(_ kind: Identifier.Kind, _ value: String) -> Identifier { Identifier.make(kind, value)! }

    @Test("links, merges into the oldest customer, and keeps ids stable")
    func merges() {
        var graph = IdentityGraph()
        let first = graph.resolve([id(.anonymous, "a1")])
        let second = graph.resolve([id(.anonymous, "a2")])
        #expect(first.created && second.created && first.customer == 1 && second.customer == 2)
        let login = graph.resolve([id(.anonymous, "a2"), id(.user, "u1")])
        #expect(login.customer == 2 && login.linked == [id(.user, "u1")])
        let merge = graph.resolve([id(.user, "u1"), id(.anonymous, "a1")])
        #expect(merge.customer == 1 && merge.merged == [2])
        #expect(graph.customer(of: id(.anonymous, "a2")) == 1)
        #expect(graph.identifierCount == 3)
    }

    @Test("a cluster at its size limit takes no more merges, and says so")
    func overMerging() {
        var graph = IdentityGraph(maximumClusterSize: 3)
        _ = graph.resolve([id(.user, "shared"), id(.anonymous, "x1"), id(.anonymous, "x2")])
        _ = graph.resolve([id(.anonymous, "y1")])
        let refused = graph.resolve([id(.anonymous, "y1"), id(.user, "shared")])
        #expect(refused.customer == 1 && refused.refused == [2] && refused.merged.isEmpty)
        #expect(graph.customer(of: id(.anonymous, "y1")) == 2)
        #expect(graph.oversized.contains(1))
    }

    @Test("stitching agrees with a reference union-find on random links")
    func randomLinks() {
        var generator = SystemRandomNumberGenerator()
        var graph = IdentityGraph(maximumClusterSize: 1_000)
        var parent = Array(0..<200)
        func find(_ x: Int) -> Int { parent[x] == x ? x : find(parent[x]) }
        for _ in 0..<300 {
            let a = Int.random(in: 0..<200, using: &generator), b = Int.random(in: 0..<200, using: &generator)
            _ = graph.resolve([id(.anonymous, "n\(a)"), id(.anonymous, "n\(b)")])
            parent[find(a)] = find(b)
        }
        for a in 0..<200 {
            for b in stride(from: a + 1, to: 200, by: 7) {
                guard let ca = graph.customer(of: id(.anonymous, "n\(a)")), let cb = graph.customer(of: id(.anonymous, "n\(b)")) else { continue }
                #expect((ca == cb) == (find(a) == find(b)))
            }
        }
    }
}

@Suite("Digest")
struct DigestTests {
    /// Vectors from Python's mmh3 package (MurmurHash3 x64 128, seed 0x57415946).
    @Test("MurmurHash3 x64 128 agrees with mmh3", arguments: [
        ("", UInt64(0x5c07_3d84_a999_1c53), UInt64(0x79e5_f370_19d4_d1ee)),
        ("hello", 0xed2e_7ca6_fb34_98ca, 0xe58b_83c6_96ae_857a),
        ("The quick brown fox jumps over the lazy dog", 0xe033_6188_1fa6_8cd8, 0x56c7_967e_d7fa_9bfc),
        ("email:maya@example.com", 0x1ad0_fa9e_4005_98ec, 0xce3c_6da9_c5b0_bb10),
        (String(repeating: "x", count: 33), 0x1069_4db5_2b6d_7ba7, 0xe0c1_8c9e_82d4_2932),
    ])
    func vectors(text: String, high: UInt64, low: UInt64) {
        let (h1, h2) = Digest.hash128(text)
        #expect(h1 == high && h2 == low)
    }
}

@Suite("JSON field reader")
struct JSONFieldReaderTests {
    @Test("reads the same values as a full parse, for present, absent, nested, repeated and escaped fields")
    func agreesWithParser() throws {
        let messages = [
            #"{"properties":{"plan":"pro","n":3,"deep":{"x":[1,{"y":"}"}],"z":true}},"context":{"channel":"web","page":{"path":"/a\"b"}}}"#,
            #"{ "context" : { "page" : { } } , "properties" : { "plan" : null } }"#,
            #"{"userId":"ü-😀","properties":{"list":["a","b"],"n":-1.5e3}}"#,
            #"{"properties":"not an object"}"#,
            #"not json"#,
            #"{}"#,
        ]
        let paths = [["properties", "plan"], ["properties", "n"], ["properties", "deep", "z"], ["properties", "deep", "x"], ["context", "page", "path"],
                     ["userId"], ["properties", "list"], ["properties", "plan"], ["missing"]]
        let reader = JSONFieldReader(paths: paths)
        var values: [JSONValue?] = []
        for message in messages {
            var bytes = Array(message.utf8)
            bytes.withUnsafeMutableBufferPointer { reader.read(UnsafeBufferPointer($0), into: &values) }
            let parsed = try? JSONParser.parse(message)
            for (slot, path) in paths.enumerated() {
                let expected = parsed.flatMap { value in path.reduce(Optional(value)) { $0?[$1] } }
                #expect(values[slot] == expected, "\(message) \(path)")
            }
        }
    }
}
