import CZlib
import Foundation

/// Reads a file in chunks, inflating gzip transparently, so memory stays flat whatever its size.
public final class ByteSource {
    /// Why a file cannot be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, with the path.
        public var description: String
    }

    private let handle: FileHandle
    private var stream = z_stream()
    private let gzip: Bool
    private var atMemberBoundary = false
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var endOfInput = false
    /// Compressed (on-disk) bytes read so far, for progress.
    public private(set) var bytesRead: Int64 = 0
    /// The file's size on disk.
    public let size: Int64
    static let chunk = 1 << 20

    /// Opens a file; gzip is recognised by its magic bytes, whatever the name.
    public init(path: String) throws(Failure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(path): is a folder; name the files in it (for example \(path)/*.csv)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "\(path): cannot open the file (check the path and its permissions)")
        }
        self.handle = handle
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        gzip = head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
        try? handle.seek(toOffset: 0)
        if gzip {
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Failure(description: "\(path): cannot start gzip decompression")
            }
        }
    }

    deinit {
        if gzip { inflateEnd(&stream) }
        try? handle.close()
    }

    /// The next chunk of (decompressed) bytes, or nil at the end.
    public func next() throws(Failure) -> [UInt8]? {
        guard gzip else {
            let data = (try? handle.read(upToCount: Self.chunk)) ?? Data()
            if data.isEmpty { return nil }
            bytesRead += Int64(data.count)
            return [UInt8](data)
        }
        while true {
            if inputOffset >= input.count, !endOfInput {
                let data = (try? handle.read(upToCount: Self.chunk)) ?? Data()
                bytesRead += Int64(data.count)
                input = [UInt8](data)
                inputOffset = 0
                if data.isEmpty { endOfInput = true }
            }
            let total = input.count
            let available = total - inputOffset
            if available == 0, endOfInput {
                // Every member ended cleanly, or the file stops in the middle of one.
                if atMemberBoundary { return nil }
                throw Failure(description: "the gzip data ends early (the file is truncated)")
            }
            var output = [UInt8](repeating: 0, count: Self.chunk)
            var produced = 0
            var status: Int32 = Z_OK
            var consumedTo = inputOffset
            let startOffset = inputOffset
            input.withUnsafeMutableBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_in = inputBuffer.baseAddress! + startOffset
                    stream.avail_in = UInt32(available)
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = UInt32(outputBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = outputBuffer.count - Int(stream.avail_out)
                    consumedTo = total - Int(stream.avail_in)
                }
            }
            if consumedTo > inputOffset { atMemberBoundary = false }
            inputOffset = consumedTo
            switch status {
            case Z_STREAM_END:
                // A member ended; another may follow (concatenated gzip files).
                inflateReset(&stream)
                atMemberBoundary = true
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                throw Failure(description: "the gzip data is corrupt (\(String(cString: zError(status))))")
            }
            if produced > 0 { return Array(output[0..<produced]) }
        }
    }
}

/// Splits a byte stream into lines (`\n`, with `\r\n` trimmed), numbering them from 1.
public struct LineReader {
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    /// The number of the last line returned.
    public private(set) var lineNumber = 0
    /// Lines longer than this are cut (the rest is skipped) and flagged.
    public let maximumLineLength: Int

    /// Creates a reader over a source.
    public init(source: ByteSource, maximumLineLength: Int = 64 * 1024 * 1024) {
        self.source = source
        self.maximumLineLength = maximumLineLength
    }

    /// Compressed bytes read so far.
    public var bytesRead: Int64 { source.bytesRead }

    /// The next line without its terminator, whether it was cut, or nil at the end.
    public mutating func next() throws(ByteSource.Failure) -> (bytes: ArraySlice<UInt8>, truncated: Bool)? {
        var truncated = false
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                lineNumber += 1
                return (line, truncated)
            }
            if finished {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = buffer.count
                lineNumber += 1
                return (line, truncated)
            }
            if buffer.count - start > maximumLineLength {
                // Keep the head of an enormous line, drop the rest until its end.
                buffer = Array(buffer[start..<(start + maximumLineLength)])
                start = 0
                truncated = true
                while let chunk = try source.next() {
                    if let newline = chunk.firstIndex(of: 0x0A) {
                        buffer.append(0x0A)
                        buffer.append(contentsOf: chunk[(newline + 1)...])
                        break
                    }
                }
                if buffer.last != 0x0A, buffer.count == maximumLineLength { finished = true }
                continue
            }
            guard let chunk = try source.next() else { finished = true; continue }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: chunk)
        }
    }
}
