import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where alert webhooks may be posted: hosts on the public internet only, unless the operator
/// allows the others (`wayfinder serve --allow-private-webhooks`, for a receiver on the same
/// machine or network). Otherwise anyone who may add a rule could make the server post to
/// itself, to the services of its network, or to a cloud metadata endpoint.
///
/// A rule's URL is checked when the rule is added or turned on, as far as the URL shows (an
/// address literal in any form the resolver takes, such as `127.1` or `2130706433`, or a
/// `localhost` name); and again before each delivery, after resolving the host, since a name may
/// point anywhere and change.
enum WebhookAddress {
    /// Why `url` may not receive alerts, judged from the URL alone, naming the field and the
    /// host; nil when it may.
    static func refusal(url: String) -> String? {
        guard let host = host(of: url) else { return nil }  // the store refuses a URL without a host
        guard let range = literalRange(host) else { return nil }
        if range == "unwritable" { return "url: write the host plainly, without percent-encoding, backslashes or spaces" }
        return "url: \(host.prefix(100)) is a \(range) address, not one on the public internet; alerts go only to public addresses unless the server runs with --allow-private-webhooks"
    }

    /// Why a delivery to `url` may not be posted, once its host is resolved: it has no address,
    /// or one of its addresses is not public; nil when it may. The reason names no host, since
    /// it is logged and kept in the delivery log.
    static func refusalAtDelivery(url: String) async -> String? {
        guard let host = host(of: url) else { return "refused: the address has no host" }
        if let range = literalRange(host) { return "refused: not a public address (\(range))" }
        let addresses = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: resolve(host, numericOnly: false)) }
        }
        guard let addresses, !addresses.isEmpty else { return "host not found" }
        if let range = addresses.lazy.compactMap(\.nonPublicRange).first { return "refused: the host resolves to a non-public address (\(range))" }
        return nil
    }

    /// The non-public range a host is in, as far as its text shows: an address literal in any
    /// form the system resolver takes (`127.1`, `2130706433`, `[::1]`) or a `localhost` name;
    /// `unwritable` for a host written with percent-encoding, backslashes or spaces.
    private static func literalRange(_ host: String) -> String? {
        if host.contains("%") || host.contains("\\") || host.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return "unwritable" }
        let name = host.lowercased().hasSuffix(".") ? String(host.lowercased().dropLast()) : host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") { return "loopback" }
        return resolve(host, numericOnly: true)?.lazy.compactMap(\.nonPublicRange).first
    }

    /// The host of an http or https URL, without the brackets of an IPv6 literal.
    static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url), var host = components.percentEncodedHost, !host.isEmpty else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    /// The addresses of `host`: of an address literal only (in every form the system resolver
    /// takes) when `numericOnly`, else through the system resolver; nil when there are none.
    private static func resolve(_ host: String, numericOnly: Bool) -> [IPAddress]? {
        guard host.utf8.count <= 253 else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_flags = numericOnly ? AI_NUMERICHOST : 0
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry?.pointee {
            if let socket = current.ai_addr {
                // The address's bytes sit at the same offsets on every platform: after the
                // family and port in sockaddr_in, after those and the flow label in sockaddr_in6.
                let raw = UnsafeRawBufferPointer(start: socket, count: Int(current.ai_addrlen))
                let range: Range<Int>?
                switch Int32(socket.pointee.sa_family) {
                case AF_INET: range = 4..<8
                case AF_INET6: range = 8..<24
                default: range = nil
                }
                if let range, range.upperBound <= raw.count, let ip = IPAddress(bytes: Array(raw[range])) {
                    addresses.append(ip)
                }
            }
            entry = current.ai_next
        }
        return addresses
    }
}
