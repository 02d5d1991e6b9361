import Foundation

/// A minimal HTTP/1.1 client for tests that talk to a server process on loopback: one request a
/// connection (`Connection: close`), blocking, bodies by Content-Length, chunks or end of stream.
public enum LoopbackHTTP {
    /// A response as received.
    public struct Response: Sendable, CustomStringConvertible {
        /// The status code.
        public var status: Int
        /// Header fields in order, names in lower case.
        public var headers: [(name: String, value: String)]
        /// The body as UTF-8 text.
        public var body: String

        /// The first value of header `name` (any case).
        public func header(_ name: String) -> String? {
            headers.first { $0.name == name.lowercased() }?.value
        }

        /// `name=value` of every Set-Cookie header, without attributes.
        public var cookies: [String: String] {
            var cookies: [String: String] = [:]
            for field in headers where field.name == "set-cookie" {
                let pair = (field.value.split(separator: ";", maxSplits: 1).first ?? "").split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0]).trimmingCharacters(in: .whitespaces)] = String(pair[1]) }
            }
            return cookies
        }

        public var description: String { "\(status) \(body.prefix(500))" }
    }

    /// Why a request got no response.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends one request to `url` (`http://127.0.0.1:PORT/path`) and reads the whole response;
    /// from the local IPv4 address `source` when given (any of 127.0.0.0/8 on Linux), so that a
    /// test can be several clients.
    public static func request(_ method: String, _ url: String, headers: [String: String] = [:], body: String = "",
                               source: String? = nil, timeout seconds: Int = 60) throws -> Response {
        guard let parsed = URLComponents(string: url), parsed.scheme == "http", let host = parsed.host, let port = parsed.port else {
            throw Failure(description: "\(url): expected http://HOST:PORT/path")
        }
        let path = (parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath) + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n" + body
        let received = try exchange(Array(request.utf8), host: host, port: port, source: source, seconds: seconds)
        return try parse(received, url: url)
    }

    /// A form post (`application/x-www-form-urlencoded`) of `fields`.
    public static func postForm(_ url: String, _ fields: [(String, String)], headers: [String: String] = [:], source: String? = nil) throws -> Response {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        return try request("POST", url, headers: headers.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 }, body: body, source: source)
    }

    private static func exchange(_ bytes: [UInt8], host: String, port: Int, source: String?, seconds: Int) throws -> [UInt8] {
        #if canImport(Glibc)
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let sendFlags = Int32(MSG_NOSIGNAL)  // a closed connection is an error here, not a SIGPIPE
        #else
        let socket = Foundation.socket(AF_INET, SOCK_STREAM, 0)
        let sendFlags: Int32 = 0
        var noSignal: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_NOSIGPIPE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        #endif
        guard socket >= 0 else { throw Failure(description: "no socket: errno \(errno)") }
        defer { close(socket) }
        // The time to connect (SO_SNDTIMEO bounds connect on Linux), to send, and to receive.
        var timeout = timeval(tv_sec: max(1, seconds), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, source, &local.sin_addr) == 1 else { throw Failure(description: "\(source): expected an IPv4 address") }
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure(description: "cannot send from \(source): errno \(errno)") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            throw Failure(description: "\(host): expected an IPv4 address")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to \(host):\(port): errno \(errno)") }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, sendFlags) }
            guard count > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw Failure(description: "no response within \(seconds) s: errno \(errno)") }
            received += buffer[..<count]
        }
        return received
    }

    private static func parse(_ bytes: [UInt8], url: String) throws -> Response {
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }) else {
            throw Failure(description: "\(url): the response has no header end: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "\(url): bad status line '\(lines[0])'") }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[(end + 4)...])
        if headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            var decoded: [UInt8] = [], index = 0
            while let lineEnd = (index..<max(body.count - 1, index)).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                  let size = Int(String(decoding: body[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16), size > 0,
                  lineEnd + 2 + size <= body.count {
                decoded += body[(lineEnd + 2)..<(lineEnd + 2 + size)]
                index = lineEnd + 2 + size + 2
            }
            body = decoded
        }
        return Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }
}
