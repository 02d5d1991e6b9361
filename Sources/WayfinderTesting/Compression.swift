import CZlib

/// Compresses bytes for tests of readers that decompress: gzip (one member) or zlib (`deflate`).
public enum TestCompression {
    /// The container around the deflate stream.
    public enum Format: Sendable {
        /// RFC 1952 gzip, as `Content-Encoding: gzip` and `.gz` files have it.
        case gzip
        /// RFC 1950 zlib, as `Content-Encoding: deflate` has it.
        case zlib
    }

    /// The compressed bytes.
    public static func compress(_ bytes: [UInt8], format: Format = .gzip) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
        precondition(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = UInt32(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END)
        return Array(output.prefix(Int(stream.total_out)))
    }
}
