import Foundation

/// A file written to `<name>.partial` and renamed to its name when closed, so a failed or
/// interrupted run never leaves a file that looks complete. Callers fill their own buffer and hand
/// it over when it passes ``bufferSize``.
final class OutputFile {
    let path: String
    private let partialPath: String
    private var descriptor: Int32
    /// A good size for the caller's buffer.
    static let bufferSize = 1 << 20

    init(path: String) throws(ScenarioWriter.Failure) {
        self.path = path
        partialPath = path + ".partial"
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
    }

    deinit {
        if descriptor >= 0 {
            Foundation.close(descriptor)
            unlink(partialPath)
        }
    }

    /// Writes `bytes` and empties it, keeping its capacity.
    func write(_ bytes: inout [UInt8]) throws(ScenarioWriter.Failure) {
        try write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes`.
    func write(contentsOf bytes: [UInt8]) throws(ScenarioWriter.Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno))
            }
            offset += written
        }
    }

    /// Writes `bytes` when it holds ``bufferSize`` or more.
    func writeIfFull(_ bytes: inout [UInt8]) throws(ScenarioWriter.Failure) {
        if bytes.count >= Self.bufferSize { try write(&bytes) }
    }

    /// Writes what is left in `bytes` and gives the file its name.
    func close(writing bytes: inout [UInt8]) throws(ScenarioWriter.Failure) {
        try write(&bytes)
        let status = Foundation.close(descriptor)
        descriptor = -1
        guard status == 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
        guard rename(partialPath, path) == 0 else { throw ScenarioWriter.Failure(path: path, reason: Self.reason(errno)) }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
