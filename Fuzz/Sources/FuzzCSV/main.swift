import CustomerData
import FuzzSupport

/// Between a mapping file and the CSV text in one input.
let separator = Array("\n#--csv--\n".utf8)

/// One input: a CSV file, or a CSV mapping file (YAML), the line `#--csv--`, and a CSV file
/// read with that mapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    var csv = bytes[...]
    var mapping = CSVMapping.standard
    if let split = firstRange(of: separator, in: bytes) {
        csv = bytes[split.upperBound...]
        switch CSVMapping.read(Array(bytes[..<split.lowerBound]), file: "mapping.yaml") {
        case .success(let read): mapping = read
        case .failure(let problems):
            fuzzCheck(!problems.diagnostics.isEmpty, "a refused mapping file without a diagnostic")
            return 0
        }
    }
    let outcome = RecordReading.read(Array(csv), format: .csv, mapping: mapping)
    var previous = 0
    for record in outcome.records {
        fuzzCheck(record.line > previous, "record lines out of order: \(record.line) after \(previous)")
        fuzzCheck(record.location == "line \(record.line)", "record location '\(record.location)' at line \(record.line)")
        previous = record.line
    }
    return 0
}

func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
    guard bytes.count >= needle.count else { return nil }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
        if bytes[start..<(start + needle.count)].elementsEqual(needle) { return start..<(start + needle.count) }
    }
    return nil
}

FuzzDriver.run(fuzzCSV)
