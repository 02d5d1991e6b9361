import Foundation

/// Reading a child process's output without FileHandle's reads, which trap when a signal (a
/// child's SIGCHLD) interrupts them (`EINTR`); these read again instead.
public enum PipeReading {
    /// Reads `handle` until end of file, giving each chunk as it arrives.
    public static func forEachChunk(of handle: FileHandle, _ body: (Data) -> Void) {
        let descriptor = handle.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                body(Data(buffer[..<count]))
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    /// Everything `handle` gives until end of file.
    public static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        forEachChunk(of: handle) { data.append($0) }
        return data
    }
}
