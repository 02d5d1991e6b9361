import Foundation
import FuzzSupport
@testable import JourneyAnalytics
import JourneyModel

/// The retail template's first map, whose saved index the seeds are (see Corpus/FuzzIndexFile).
let workspace = WorkspaceTemplate.retail.workspace
let journey = workspace.journeys[0]
let builder = IndexBuilder(workspace: workspace, journey: journey)
let queries = [#"{"kind":"funnel"}"#, #"{"kind":"funnel","options":{"mode":"strict"}}"#, #"{"kind":"paths"}"#, #"{"kind":"friction"}"#,
               #"{"kind":"conformance"}"#, #"{"kind":"personas"}"#, #"{"kind":"touchpoints"}"#]
    .map { try! Analyzer.query(json: Data($0.replacingOccurrences(of: "{\"kind\"", with: "{\"journey\":\"\(journey.id)\",\"kind\"").utf8)) }

/// One input: a saved analytics index file without its first line and its checksum, which the
/// harness adds so that the fuzzer reaches past them. The file is read as a saved index is read
/// (`IndexFile.decode`), and a state it accepts is laid out and analysed as a reused index is: a
/// file must be refused with a reason or give analyses, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIndexFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var file = IndexFile.magic + FuzzDriver.bytes(data, size)
    let checksum = file.withUnsafeBytes { IndexFile.checksum($0) }
    withUnsafeBytes(of: checksum.littleEndian) { file += $0 }
    let state: IndexState
    do {
        state = try file.withUnsafeBytes { try IndexFile.decode($0, touchpoints: journey.touchpoints.count, personas: workspace.personas.count) }
    } catch {
        fuzzCheck(!"\(error)".isEmpty, "a refused index file without a reason")
        return 0
    }
    // A state of another map or request is not reused; one of this map is analysed.
    guard let index = builder.index(from: state) else { return 0 }
    fuzzCheck(index.summary.customersWithEvents <= index.summary.customers, "more customers with events than customers")
    for query in queries { _ = try? Analyzer.run(query, on: index) }
    return 0
}

FuzzDriver.run(fuzzIndexFile)
