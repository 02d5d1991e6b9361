import Foundation

/// An IPv4 or IPv6 address as its bytes (4 or 16), with the ranges the server treats apart:
/// addresses that are not on the public internet (loopback, private, link-local, cloud
/// metadata, multicast, documentation and other reserved ranges).
struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    let bytes: [UInt8]

    /// The address written as `text` (`203.0.113.7`, `2001:db8::1`), in the strict forms only;
    /// nil for anything else.
    init?(_ text: String) {
        guard text.utf8.count <= 64 else { return nil }
        // inet_pton writes 4 bytes for IPv4 and 16 for IPv6.
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 {
            bytes = Array(buffer[..<4])
        } else if inet_pton(AF_INET6, text, &buffer) == 1 {
            bytes = buffer
        } else {
            return nil
        }
    }

    /// An address from its bytes (4 or 16).
    init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Whether it is an IPv4 address.
    var isV4: Bool { bytes.count == 4 }

    /// The IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else the address itself.
    var unmapped: IPAddress {
        guard !isV4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return self }
        return IPAddress(bytes: Array(bytes[12...])) ?? self
    }

    /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
    /// (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`) IPv6 address; nil
    /// for other addresses.
    var embeddedV4: IPAddress? {
        guard !isV4 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0..<12].allSatisfy({ $0 == 0 }), bytes[12...].contains(where: { $0 != 0 }), !(bytes[12..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1) {
            return IPAddress(bytes: Array(bytes[12...]))
        }
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// Whether it is a public unicast address: ``nonPublicRange`` is nil.
    var isPublic: Bool { nonPublicRange == nil }

    /// The kind of range that keeps it off the public internet (`loopback`, `private`,
    /// `link-local`, `cloud metadata`, `multicast`…), or nil for a public unicast address.
    var nonPublicRange: String? {
        if let inner = embeddedV4 { return inner.nonPublicRange }
        return isV4 ? Self.rangeV4(bytes) : Self.rangeV6(bytes)
    }

    private static func rangeV4(_ b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2], b[3]) {
        case (0, 0, 0, 0): return "unspecified"
        case (0, _, _, _): return "this-network"
        case (127, _, _, _): return "loopback"
        case (10, _, _, _), (172, 16...31, _, _), (192, 168, _, _): return "private"
        case (100, 64...127, _, _): return "shared (carrier NAT)"
        case (169, 254, 169, 254): return "cloud metadata"
        case (169, 254, _, _): return "link-local"
        case (192, 0, 0, _), (192, 88, 99, _): return "reserved"
        case (192, 0, 2, _), (198, 51, 100, _), (203, 0, 113, _): return "documentation"
        case (198, 18...19, _, _): return "benchmarking"
        case (224...239, _, _, _): return "multicast"
        case (255, 255, 255, 255): return "broadcast"
        case (240...255, _, _, _): return "reserved"
        default: return nil
        }
    }

    private static func rangeV6(_ b: [UInt8]) -> String? {
        if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if b[0..<15].allSatisfy({ $0 == 0 }), b[15] == 1 { return "loopback" }
        if b == [0xFD, 0x00, 0x0E, 0xC2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return "cloud metadata" }
        if b[0] & 0xFE == 0xFC { return "private (unique local)" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return "link-local" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return "site-local" }
        if b[0] == 0xFF { return "multicast" }
        // Only global unicast (2000::/3) is public, less documentation (2001:db8::/32), ORCHID
        // (2001:10::/28, 2001:20::/28) and benchmarking (2001:2::/48).
        guard b[0] & 0xE0 == 0x20 else { return "reserved" }
        if b[0] == 0x20, b[1] == 0x01 {
            if b[2] == 0x0D, b[3] == 0xB8 { return "documentation" }
            if b[2] == 0x00, (0x10...0x2F).contains(b[3]) { return "reserved" }
            if b[2] == 0x00, b[3] == 0x02, b[4] == 0, b[5] == 0 { return "benchmarking" }
        }
        return nil
    }

    /// The address as text.
    var description: String {
        var copy = bytes
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isV4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &copy, &text, socklen_t(text.count)) != nil else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
