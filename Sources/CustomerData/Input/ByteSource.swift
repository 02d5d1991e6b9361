import CZlib
import Foundation

/// Reads a file in chunks, inflating gzip transparently, so memory stays flat whatever its size.
///
/// A read error is thrown as a ``Failure``, never taken for the end of the file, so a reader
/// never mistakes part of a file for all of it.
public final class ByteSource {
    /// Why a file cannot be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// Creates a failure.
        public init(description: String) {
            self.description = description
        }
    }

    private let handle: FileHandle?
    private let read: (Int) throws -> Data
    /// The first bytes, read to recognise gzip, handed out before anything else.
    private var head: [UInt8]
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

    /// Opens a file; gzip is recognised by its magic bytes, whatever the name. The file is read
    /// from its start to its end without seeking, so a pipe or a FIFO reads as a file does.
    public convenience init(path: String) throws(Failure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(path): is a folder; name the files in it (for example \(path)/*.csv)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Failure(description: "\(path): cannot open the file (check the path and its permissions)")
        }
        // The size only drives progress; a file whose size is unknown (a pipe) reads all the same.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        try self.init(handle: handle, size: size) { count in try handle.read(upToCount: count) ?? Data() }
    }

    /// Reads the bytes that `read` hands out (at most the count asked for each call, empty at the
    /// end; an error it throws is a read error), such as a stream that is not a file. `size` is
    /// the total expected, for progress (0 when unknown).
    public convenience init(size: Int64 = 0, reading read: @escaping (Int) throws -> Data) throws(Failure) {
        try self.init(handle: nil, size: size, read: read)
    }

    private init(handle: FileHandle?, size: Int64, read: @escaping (Int) throws -> Data) throws(Failure) {
        var head: [UInt8] = []
        do {
            // A pipe may hand out one byte at a time.
            while head.count < 2 {
                let more = try read(2 - head.count)
                if more.isEmpty { break }
                head += more
            }
        } catch {
            throw Failure(description: "the file could not be read (\(Self.describe(error)))")
        }
        self.handle = handle
        self.read = read
        self.size = size
        self.head = head
        gzip = head.count == 2 && head[0] == 0x1F && head[1] == 0x8B
        bytesRead = Int64(head.count)
        if gzip {
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw Failure(description: "cannot start gzip decompression")
            }
            input = head
            head = []
        }
    }

    deinit {
        if gzip { inflateEnd(&stream) }
        try? handle?.close()
    }

    /// Up to `count` bytes; empty at the end. A read error is a ``Failure`` naming the error.
    private func readChunk(_ count: Int) throws(Failure) -> [UInt8] {
        do {
            return [UInt8](try read(count))
        } catch {
            throw Failure(description: "the file could not be read after byte \(bytesRead) (\(Self.describe(error)))")
        }
    }

    /// The operating system's words for a read error (`Input/output error`) when it has them.
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }

    /// The next chunk of (decompressed) bytes, or nil at the end.
    public func next() throws(Failure) -> [UInt8]? {
        guard gzip else {
            var bytes = head
            head = []
            let data = try readChunk(Self.chunk)
            bytesRead += Int64(data.count)
            bytes += data
            return bytes.isEmpty ? nil : bytes
        }
        while true {
            if inputOffset >= input.count, !endOfInput {
                let data = try readChunk(Self.chunk)
                bytesRead += Int64(data.count)
                input = data
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
