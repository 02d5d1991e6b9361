import CustomerData
import GRDB
import Testing
import WayfinderTesting

/// `JSONValue.merged(with:)` (how the PostgreSQL writer merges traits) against SQLite's own
/// `json_patch` (how the embedded store merges them), on chosen and on random documents.
struct MergePatchTests {
    @Test("a merge patch gives SQLite's json_patch result", arguments: [
        (#"{"a":1,"b":{"c":2,"d":3}}"#, #"{"b":{"c":null,"e":4},"f":[1]}"#),
        (#"{"a":1}"#, #"{"a":null}"#),
        (#"{"a":{"x":1}}"#, #"{"a":5}"#),
        (#"{"a":5}"#, #"{"a":{"x":1,"y":null}}"#),
        (#"{}"#, #"{"n":{"m":{"k":"v"}}}"#),
        (#"{"plan":"free","seats":3}"#, #"{"plan":"pro"}"#),
    ])
    func chosen(_ target: String, _ patch: String) throws {
        #expect(try Self.merged(target, patch) == Self.sqlite(target, patch))
    }

    @Test("random documents merge as SQLite merges them")
    func random() throws {
        var random = SplitMix64(seed: 21)
        func value(_ depth: Int) -> JSONValue {
            switch random.next() % (depth > 2 ? 4 : 6) {
            case 0: return .null
            case 1: return .number(Double(random.next() % 100))
            case 2: return .string(["a", "b", "x y", "é"][Int(random.next() % 4)])
            case 3: return .bool(random.next() % 2 == 0)
            case 4: return .array([value(depth + 1)])
            default: return .object((0..<Int(random.next() % 4)).map { _ in (["k", "l", "m"][Int(random.next() % 3)], value(depth + 1)) }.uniqued())
            }
        }
        for _ in 0..<300 {
            let target = JSONValue.object([("k", value(1)), ("l", value(1))]).json
            let patch = JSONValue.object([("l", value(1)), ("m", value(1))]).json
            #expect(try Self.merged(target, patch) == Self.sqlite(target, patch), "\(target) with \(patch)")
        }
    }

    static func merged(_ target: String, _ patch: String) throws -> String {
        try JSONParser.parse(target).merged(with: JSONParser.parse(patch)).json
    }

    static func sqlite(_ target: String, _ patch: String) throws -> String {
        try DatabaseQueue().read { db in try String.fetchOne(db, sql: "SELECT json_patch(?, ?)", arguments: [target, patch]) ?? "" }
    }
}

extension Array where Element == (String, JSONValue) {
    /// The entries with each key once (its first).
    fileprivate func uniqued() -> [(String, JSONValue)] {
        var seen = Set<String>()
        return filter { seen.insert($0.0).inserted }
    }
}
