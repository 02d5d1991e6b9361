import Foundation

/// A file written through a 1 MB buffer to `<name>.partial`, renamed to its name when closed, so a
/// failed or interrupted run never leaves a file that looks complete.
final class OutputFile {
    let path: String
    private let partialPath: String
    private var descriptor: Int32
    /// Bytes waiting to be written; append to it, then call ``flushIfFull()``.
    var buffer: [UInt8] = []
    private(set) var bytesWritten: Int64 = 0
    static let bufferSize = 1 << 20

    init(path: String) throws(ScenarioWriter.Failure) {
        self.path = path
        partialPath = path + ".partial"
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
        buffer.reserveCapacity(Self.bufferSize + 64 * 1024)
    }

    deinit {
        if descriptor >= 0 {
            Foundation.close(descriptor)
            unlink(partialPath)
        }
    }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    func flushIfFull() throws(ScenarioWriter.Failure) {
        if buffer.count >= Self.bufferSize { try flush() }
    }

    func flush() throws(ScenarioWriter.Failure) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in write(descriptor, bytes.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno))
            }
            offset += written
        }
        bytesWritten += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and gives the file its name.
    func close() throws(ScenarioWriter.Failure) {
        try flush()
        let status = Foundation.close(descriptor)
        descriptor = -1
        guard status == 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
        guard rename(partialPath, path) == 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
