import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Where a request comes from, as sign-in throttling counts it: the peer address of the
/// connection, or, when that peer is one of the operator's trusted proxies
/// (`wayfinder serve --trusted-proxy`), the nearest address before it in `X-Forwarded-For`.
/// `X-Forwarded-For` from anyone else is ignored, since a client can write anything there.
///
/// An IPv6 address counts as its /64 network, which one subscriber usually holds whole; an
/// IPv4-mapped IPv6 address counts as its IPv4 address.
struct ClientAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address (`203.0.113.7`) or network (`2001:db8:0:1::/64`); `unknown` for a connection
    /// without a peer address (in-memory tests).
    let description: String

    static let unknown = ClientAddress(description: "unknown")

    /// The client of a request that arrived from `peer`.
    static func of(_ request: Request, peer: SocketAddress?, trustedProxies: Set<String>) -> ClientAddress {
        guard let peer, let peerIP = peer.ipAddress else { return .unknown }
        guard !trustedProxies.isEmpty, trustedProxies.contains(peerIP) else { return ClientAddress(peer) }
        // Rightmost first: each trusted proxy appends the address it received from.
        let forwarded = request.headers[values: .xForwardedFor].flatMap { $0.split(separator: ",") }
        for entry in forwarded.reversed() {
            guard let address = parse(entry.trimmingCharacters(in: .whitespaces)), let ip = address.ipAddress else { return ClientAddress(peer) }
            if !trustedProxies.contains(ip) { return ClientAddress(address) }
        }
        return ClientAddress(peer)
    }

    /// The address of an IP address literal (`203.0.113.7`, `2001:db8::1`), its text normalised;
    /// nil when `text` is not one.
    static func normalized(_ text: String) -> String? { parse(text)?.ipAddress }

    private init(description: String) { self.description = description }

    private init(_ address: SocketAddress) {
        guard let text = address.ipAddress, let ip = IPAddress(text)?.unmapped else {
            description = address.ipAddress ?? "unknown"
            return
        }
        if ip.isV4 {
            description = ip.description
        } else {
            description = (IPAddress(bytes: Array(ip.bytes[0..<8]) + Array(repeating: 0, count: 8))?.description ?? text) + "/64"
        }
    }

    /// An address from `X-Forwarded-For` or an option: an IP literal, perhaps with a port
    /// (`203.0.113.7:5123`, `[2001:db8::1]:443`).
    private static func parse(_ text: String) -> SocketAddress? {
        var host = Substring(text)
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<end]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, host.count <= 64 else { return nil }
        return try? SocketAddress(ipAddress: String(host), port: 0)
    }
}

extension HTTPField.Name {
    /// `X-Forwarded-For`.
    static let xForwardedFor = Self("X-Forwarded-For")!
}
