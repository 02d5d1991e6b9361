import Foundation
import FuzzSupport
import JourneyAnalytics

/// One input: the JSON of an analysis query, as the API, the CLI (`--query`) and share links take it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnalysisQuery(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(FuzzDriver.bytes(data, size))
    let query: AnalysisQuery
    do {
        query = try Analyzer.query(json: json)
    } catch {
        fuzzCheck(!error.description.isEmpty, "a refused query without a reason")
        return 0
    }
    do {
        try query.validate()
    } catch {
        fuzzCheck(false, "a decoded query fails validation: \(error.description)")
    }
    // The query as the analysis output echoes it must read back as the same query.
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let written = try? encoder.encode(query) else {
        fuzzCheck(false, "an accepted query cannot be written as JSON")
        return 0
    }
    do {
        let reread = try Analyzer.query(json: written)
        fuzzCheck(reread == query, "the written query reads back as another query: \(String(decoding: written, as: UTF8.self))")
    } catch {
        fuzzCheck(false, "the written query is refused: \(error.description): \(String(decoding: written, as: UTF8.self))")
    }
    return 0
}

FuzzDriver.run(fuzzAnalysisQuery)
