import CustomerData
import FuzzSupport

/// One input: a Segment batch file (`{"batch": [...]}` or a JSON list), or a gzip-compressed one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegmentBatch(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    let outcome = RecordReading.read(bytes, format: .segment)
    if !RecordReading.isGzip(bytes) {
        fuzzCheck(outcome.failure == nil, "a plain batch file refused whole: \(outcome.failure!.description)")
    }
    if let first = outcome.records.first, first.location == "the whole file" {
        // A file that is no batch is one quarantined record.
        fuzzCheck(outcome.records.count == 1 && outcome.quarantined == 1, "a refused batch file gave \(outcome.records.count) records")
        return 0
    }
    for (position, record) in outcome.records.enumerated() {
        fuzzCheck(record.location == "batch[\(position)]" && record.line == position + 1,
                  "message \(position) read as \(record.location) (\(record.line))")
    }
    return 0
}

FuzzDriver.run(fuzzSegmentBatch)
