import CustomerData

/// The field reader as it was before it recorded spans: each wanted value parsed where it is met. The
/// tests hold the current reader to it on random and hostile messages.
///
/// Classifying millions of stored events needs only the handful of fields the match rules
/// name; the reader walks the bytes once, descends only into objects on a wanted path and
/// skips everything else. Input that is not well formed yields no values rather than an error:
/// what it reads was checked when it was stored.
struct ReferenceFieldReader: Sendable {
    struct Node: Sendable {
        var key: [UInt8]
        var children: [Int] = []
        var slot: Int?
    }

    private var nodes: [Node] = [Node(key: [])]
    /// Slots whose path repeats an earlier slot's, with that earlier slot.
    private var repeats: [(slot: Int, first: Int)] = []
    /// The paths, in slot order.
    public let paths: [[String]]

    /// A reader for `paths`, each a list of object keys from the root; values come back in this order.
    public init(paths: [[String]]) {
        self.paths = paths
        for (slot, path) in paths.enumerated() {
            var node = 0
            for segment in path {
                let key = Array(segment.utf8)
                if let child = nodes[node].children.first(where: { nodes[$0].key == key }) {
                    node = child
                } else {
                    nodes.append(Node(key: key))
                    nodes[node].children.append(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            if let first = nodes[node].slot { repeats.append((slot, first)) } else { nodes[node].slot = slot }
        }
    }

    /// The value at each path (nil when absent), in the order of ``paths``.
    public func read(_ bytes: UnsafeBufferPointer<UInt8>, into values: inout [JSONValue?]) {
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(nil, count: paths.count))
        guard !paths.isEmpty, let base = bytes.baseAddress else { return }
        var scanner = Scanner(base: base, end: bytes.count)
        scanner.skipSpace()
        readObject(node: 0, scanner: &scanner, values: &values, depth: 0)
        // A path given twice takes the value read for its first slot.
        for (slot, first) in repeats { values[slot] = values[first] }
    }

    private func readObject(node: Int, scanner: inout Scanner, values: inout [JSONValue?], depth: Int) {
        guard depth < JSONParser.maximumDepth, scanner.peek == UInt8(ascii: "{") else { return }
        scanner.index += 1
        scanner.skipSpace()
        if scanner.peek == UInt8(ascii: "}") { scanner.index += 1; return }
        while scanner.index < scanner.end {
            guard scanner.peek == UInt8(ascii: "\"") else { return }
            let keyStart = scanner.index + 1
            guard scanner.skipString() else { return }
            let keyEnd = scanner.index - 1
            scanner.skipSpace()
            guard scanner.peek == UInt8(ascii: ":") else { return }
            scanner.index += 1
            scanner.skipSpace()
            let key = UnsafeBufferPointer(start: scanner.base + keyStart, count: keyEnd - keyStart)
            if let child = nodes[node].children.first(where: { Self.equal(nodes[$0].key, key) }) {
                let valueStart = scanner.index
                if !nodes[child].children.isEmpty, scanner.peek == UInt8(ascii: "{") {
                    readObject(node: child, scanner: &scanner, values: &values, depth: depth + 1)
                } else {
                    guard scanner.skipValue() else { return }
                }
                if let slot = nodes[child].slot {
                    let span = UnsafeBufferPointer(start: scanner.base + valueStart, count: scanner.index - valueStart)
                    values[slot] = try? JSONParser.parse(span)
                }
            } else {
                guard scanner.skipValue() else { return }
            }
            scanner.skipSpace()
            switch scanner.peek {
            case UInt8(ascii: ","):
                scanner.index += 1
                scanner.skipSpace()
            case UInt8(ascii: "}"):
                scanner.index += 1
                return
            default:
                return
            }
        }
    }

    private static func equal(_ key: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count == bytes.count else { return false }
        for index in 0..<key.count where key[index] != bytes[index] { return false }
        return true
    }

    struct Scanner {
        let base: UnsafePointer<UInt8>
        let end: Int
        var index = 0

        init(base: UnsafePointer<UInt8>, end: Int) {
            self.base = base
            self.end = end
        }

        var peek: UInt8 { index < end ? base[index] : 0 }

        mutating func skipSpace() {
            while index < end, base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x0D || base[index] == 0x09 { index += 1 }
        }

        /// Moves past a string starting at the opening quote.
        mutating func skipString() -> Bool {
            index += 1
            while index < end {
                let byte = base[index]
                if byte == UInt8(ascii: "\"") { index += 1; return true }
                index += byte == UInt8(ascii: "\\") ? 2 : 1
            }
            return false
        }

        /// Moves past one value of any kind.
        mutating func skipValue() -> Bool {
            switch peek {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < end {
                    switch base[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while index < end {
                    let byte = base[index]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { break }
                    index += 1
                }
                return index > start
            }
        }
    }
}
