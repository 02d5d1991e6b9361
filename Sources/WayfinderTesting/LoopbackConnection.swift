import Foundation

/// A raw TCP connection to a server on loopback, for tests that play a client who opens a
/// connection and then sends nothing, or trickles a request in: it sends what it is told, and
/// tells when the server has closed the connection.
public final class LoopbackConnection {
    /// The socket's descriptor; -1 once closed.
    public private(set) var descriptor: Int32

    /// Connects to `port` on 127.0.0.1. With `waiting: false` the connection is only started:
    /// the call returns at once, even when the server takes no more connections.
    public init(port: Int, waiting: Bool = true) throws {
        #if canImport(Glibc)
        descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = Foundation.socket(AF_INET, SOCK_STREAM, 0)
        var noSignal: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        #endif
        guard descriptor >= 0 else { throw LoopbackHTTP.Failure(description: "no socket: errno \(errno)") }
        if !waiting { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 || (!waiting && errno == EINPROGRESS) else {
            let error = errno
            Foundation.close(descriptor)
            throw LoopbackHTTP.Failure(description: "cannot connect to 127.0.0.1:\(port): errno \(error)")
        }
    }

    deinit { close() }

    /// Sends `text`; false when the connection is closed or not ready for it.
    @discardableResult
    public func send(_ text: String) -> Bool {
        guard descriptor >= 0 else { return false }
        let bytes = Array(text.utf8)
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        return bytes.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, flags) } == bytes.count
    }

    /// Waits at most `seconds` for the server to close the connection, reading and dropping what
    /// it sends meanwhile; true once it is closed (end of stream or reset).
    public func waitForClose(seconds: Double) -> Bool {
        guard descriptor >= 0 else { return true }
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline.timeIntervalSinceNow
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(max(0, min(left, 3600)) * 1000))
            if ready < 0 && errno != EINTR { return false }
            if ready > 0 {
                if entry.revents & Int16(POLLERR | POLLHUP) != 0 && entry.revents & Int16(POLLIN) == 0 { return true }
                let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count == 0 { return true }
                if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR { return true }
            }
            if left <= 0 { return false }
        }
    }

    /// Waits at most `seconds` for the server to send something, and returns what has arrived
    /// (as text); nil when nothing came, or the connection closed first.
    public func receive(seconds: Double) -> String? {
        guard descriptor >= 0 else { return nil }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(max(0, min(seconds, 3600)) * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    /// Whether the server has closed the connection by now (what it sent is dropped).
    public var isClosedByServer: Bool { waitForClose(seconds: 0) }

    /// Closes the connection from this side.
    public func close() {
        if descriptor >= 0 { Foundation.close(descriptor) }
        descriptor = -1
    }
}
