import CustomerData
import FuzzSupport

/// One input: an NDJSON file (or a gzip-compressed one).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    let outcome = RecordReading.read(bytes, format: .ndjson)
    // A line gives one record, or (an export whose record lists several events: Mailchimp's
    // activity) several of the same line, numbered `line N, event K`.
    var previous = 0
    var recordLines: Set<Int> = []
    for record in outcome.records {
        fuzzCheck(record.line >= previous, "record lines out of order: \(record.line) after \(previous)")
        fuzzCheck(record.location == "line \(record.line)" || record.location.hasPrefix("line \(record.line), event "),
                  "record location '\(record.location)' at line \(record.line)")
        previous = record.line
        recordLines.insert(record.line)
    }
    if !RecordReading.isGzip(bytes) {
        fuzzCheck(outcome.failure == nil, "plain NDJSON refused whole: \(outcome.failure!.description)")
        // Every line with anything but spaces and tabs gives records, events or quarantined.
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let expected = lines.filter { line in
            let text = line.last == 0x0D ? line.dropLast() : line
            return !text.allSatisfy { $0 == 0x20 || $0 == 0x09 }
        }.count
        fuzzCheck(recordLines.count == expected, "records of \(recordLines.count) lines from \(expected) lines that are not blank")
    }
    return 0
}

FuzzDriver.run(fuzzNDJSON)
