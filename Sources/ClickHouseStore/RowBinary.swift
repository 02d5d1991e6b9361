/// Rows in ClickHouse's `RowBinary` format: integers and floats little-endian, strings as their
/// byte length (LEB128) and bytes, a nullable value as a byte (1 for NULL) before the value.
struct RowBinaryWriter {
    var bytes: [UInt8] = []

    mutating func int64(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func float64(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: UnsafeBufferPointer<UInt8>) {
        count(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string($0) }
    }

    mutating func count(_ value: Int) {
        var length = UInt64(value)
        repeat {
            let low = UInt8(length & 0x7F)
            length >>= 7
            bytes.append(length == 0 ? low : low | 0x80)
        } while length != 0
    }

    /// The message's values by path (``MessageLeaves``) as two `Array(String)` columns.
    mutating func messageLeaves(_ message: UnsafeBufferPointer<UInt8>, scratch: inout [(ArraySlice<UInt8>, UnsafeBufferPointer<UInt8>)]) {
        scratch.removeAll(keepingCapacity: true)
        var seen = Set<Int>()
        MessageLeaves.forEach(message) { path, value in
            // A path given twice keeps its last value, as the engine's field reader reads it.
            var hasher = Hasher()
            path.withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if !seen.insert(hasher.finalize()).inserted, let earlier = scratch.firstIndex(where: { $0.0 == path }) {
                scratch.remove(at: earlier)
            }
            scratch.append((path, value))
        }
        count(scratch.count)
        for (path, _) in scratch { path.withUnsafeBufferPointer { string($0) } }
        count(scratch.count)
        for (_, value) in scratch { string(value) }
    }

    mutating func nullableFloat64(_ value: Double?) {
        bytes.append(value == nil ? 1 : 0)
        if let value { float64(value) }
    }

    mutating func nullableString(_ value: UnsafeBufferPointer<UInt8>?) {
        bytes.append(value == nil ? 1 : 0)
        if let value { string(value) }
    }
}

/// Reads `RowBinary` answers in place: strings are views of the answer's bytes.
struct RowBinaryReader: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { offset >= bytes.count }

    private func cut(_ what: String) -> ClickHouseError {
        .unexpected("ClickHouse's answer ends inside a row (\(what) at byte \(offset) of \(bytes.count)); the server may have failed part way: run the command again")
    }

    mutating func int64() throws(ClickHouseError) -> Int64 {
        guard offset + 8 <= bytes.count else { throw cut("a number") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return Int64(bitPattern: value)
    }

    mutating func float64() throws(ClickHouseError) -> Double {
        Double(bitPattern: UInt64(bitPattern: try int64()))
    }

    mutating func uint8() throws(ClickHouseError) -> UInt8 {
        guard offset < bytes.count else { throw cut("a flag") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A length in LEB128, as texts and arrays begin with.
    mutating func count(_ what: String) throws(ClickHouseError) -> UInt64 {
        var length: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw cut(what) }
            let byte = bytes[offset]
            offset += 1
            length |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return length }
            shift += 7
        }
    }

    /// The number of elements of an array; each takes at least `size` bytes.
    mutating func arrayCount(elementSize size: Int) throws(ClickHouseError) -> Int {
        let count = try count("an array's length")
        guard count <= UInt64(bytes.count - offset) / UInt64(max(1, size)) else { throw cut("an array") }
        return Int(count)
    }

    mutating func string() throws(ClickHouseError) -> UnsafeBufferPointer<UInt8> {
        let length = try count("a text's length")
        guard length <= UInt64(bytes.count - offset) else { throw cut("a text") }
        let start = offset
        offset += Int(length)
        return UnsafeBufferPointer(rebasing: bytes[start..<offset])
    }

    mutating func nullableFloat64() throws(ClickHouseError) -> Double? {
        try uint8() == 1 ? nil : try float64()
    }

    mutating func nullableString() throws(ClickHouseError) -> UnsafeBufferPointer<UInt8>? {
        try uint8() == 1 ? nil : try string()
    }
}
