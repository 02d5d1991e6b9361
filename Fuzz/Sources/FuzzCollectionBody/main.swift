import CustomerData
import FuzzSupport
import JourneyStore
@testable import WayfinderServer

let limits = CollectionLimits()
let options = Importer.Options()

/// One input: the body of a collection request (`POST /v1/track`, `/v1/batch`, …), gzip or zlib
/// compressed when it starts as those do, read as the collection routes read it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCollectionBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var bytes = FuzzDriver.bytes(data, size)
    if bytes.count >= 2, (bytes[0] == 0x1F && bytes[1] == 0x8B) || (bytes[0] == 0x78 && (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0) {
        switch bytes.withUnsafeBytes({ Inflate.decompress($0, limit: limits.requestBytes) }) {
        case .success(let inflated):
            fuzzCheck(inflated.count <= limits.requestBytes, "inflated \(inflated.count) bytes past the limit")
            bytes = inflated
        case .failure:
            return 0
        }
    }
    let body: JSONValue
    do {
        body = try CollectionBody.parse(bytes)
    } catch {
        fuzzCheck(error.status.code == 400 && !error.message.isEmpty, "a refused body answered \(error.description)")
        return 0
    }
    let type = body["type"]?.text?.lowercased()
    let routes: [CollectionRoute] = [.batch, CollectionRoute.allCases.first { $0.type?.rawValue == type } ?? .track]
    for route in routes {
        do {
            let collected = try CollectedMessages(body: body, route: route, limits: limits, receivedAt: "2026-05-01T12:00:00Z", options: options)
            let expected: Int
            if route == .batch, case .array(let items)? = body["batch"] { expected = items.count } else { expected = 1 }
            fuzzCheck(collected.records.count == expected, "\(collected.records.count) records of \(expected) messages on \(route.path)")
            for record in collected.records {
                guard case .success = record.result, record.prepared != nil else {
                    fuzzCheck(false, "an accepted message without a prepared event on \(route.path)")
                    continue
                }
                fuzzCheck(record.text.utf8.count <= limits.eventBytes, "an accepted message of \(record.text.utf8.count) bytes")
                // The credential is the message's own writeKey; a property of that name is the customer's data.
                if case .object(let entries)? = try? JSONParser.parse(record.text) {
                    fuzzCheck(!entries.contains { $0.0 == "writeKey" }, "the write key kept in an accepted message")
                } else {
                    fuzzCheck(false, "an accepted message that is not a JSON object")
                }
            }
        } catch {
            fuzzCheck([400, 413].contains(error.status.code) && !error.message.isEmpty, "a refused request answered \(error.description)")
        }
    }
    return 0
}

FuzzDriver.run(fuzzCollectionBody)
