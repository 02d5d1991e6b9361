import CZlib

/// Decompresses a gzip or zlib (`deflate`) body in memory, refusing to grow past a limit, so a
/// small compressed request cannot expand into a large one.
public enum Inflate {
    /// Why a body cannot be decompressed.
    public enum Failure: Error, Sendable, Equatable {
        /// It decompresses to more than the limit.
        case tooLarge(limit: Int)
        /// It is not gzip or zlib data, or it is cut short.
        case corrupt
    }

    /// The decompressed bytes of gzip (or zlib) data, at most `limit` of them.
    public static func decompress(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], Failure> {
        var stream = z_stream()
        // 15 window bits, + 32: recognise gzip and zlib headers alike.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return .failure(.corrupt) }
        defer { inflateEnd(&stream) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .failure(.corrupt) }
        var output = [UInt8](repeating: 0, count: min(limit + 1, max(bytes.count * 4, 4096)))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(bytes.count)
        while true {
            if produced == output.count {
                // One byte past the limit is enough to know the body is too large.
                guard output.count <= limit else { return .failure(.tooLarge(limit: limit)) }
                output += [UInt8](repeating: 0, count: min(output.count, limit + 1 - output.count))
            }
            let room = output.count - produced
            let status = output.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress! + produced
                stream.avail_out = UInt32(room)
                return inflate(&stream, Z_NO_FLUSH)
            }
            produced = output.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                if produced > limit { return .failure(.tooLarge(limit: limit)) }
                // Another gzip member may follow (concatenated streams).
                if stream.avail_in > 0 {
                    guard inflateReset(&stream) == Z_OK else { return .failure(.corrupt) }
                    continue
                }
                output.removeLast(output.count - produced)
                return .success(output)
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_out == 0:
                continue
            default:
                // Z_BUF_ERROR with room left: the input ended inside the stream.
                return .failure(.corrupt)
            }
        }
    }
}
