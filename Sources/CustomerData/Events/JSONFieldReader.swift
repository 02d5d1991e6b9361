/// Reads the values at a few paths of a JSON object without building the rest of the tree.
///
/// Classifying millions of stored events needs only the handful of fields the match rules
/// name; the reader walks the bytes once, descends only into objects on a wanted path and
/// skips everything else. Input that is not well formed yields no values rather than an error:
/// what it reads was checked when it was stored.
///
/// The reader can also hand back where each value lies (``Spans``) instead of the values, so a caller that only tests them can do so on the bytes and allocate nothing. A value
/// is the JSON text at its span, parsed; a key given twice counts at its last occurrence.
public struct JSONFieldReader: Sendable {
    /// The paths as a tree of object keys, node 0 the root; a node's key is
    /// `keyBytes[keyStarts[node] ..< keyStarts[node] + keyCounts[node]]`.
    private var keyBytes: [UInt8] = []
    private var keyStarts: [Int] = [0]
    private var keyCounts: [Int] = [0]
    private var firstChild: [Int] = [-1]
    private var nextSibling: [Int] = [-1]
    /// The slot a node's value goes to, or -1.
    private var slots: [Int] = [-1]
    /// Slots whose path repeats an earlier slot's, with that earlier slot.
    private var repeats: [(slot: Int, first: Int)] = []
    /// The paths, in slot order.
    public let paths: [[String]]

    /// Where each path's value lies in the bytes last read, in the order of ``paths``.
    public struct Spans: Sendable {
        /// Per slot, the start and end offsets of the value; an absent value is empty.
        fileprivate var bounds: [Int] = []

        /// No spans yet.
        public init() {}

        /// The JSON text of the value of `slot` within `bytes` (the bytes that were read), or nil when absent.
        @inline(__always)
        public func value(_ slot: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
            let start = bounds[2 * slot], end = bounds[2 * slot + 1]
            guard end > start, let base = bytes.baseAddress else { return nil }
            return UnsafeBufferPointer(start: base + start, count: end - start)
        }
    }

    /// A reader for `paths`, each a list of object keys from the root; values come back in this order.
    public init(paths: [[String]]) {
        self.paths = paths
        for (slot, path) in paths.enumerated() {
            var node = 0
            for segment in path {
                let key = Array(segment.utf8)
                var child = firstChild[node]
                while child >= 0, !keyBytes[keyStarts[child] ..< keyStarts[child] + keyCounts[child]].elementsEqual(key) { child = nextSibling[child] }
                if child < 0 {
                    child = slots.count
                    keyStarts.append(keyBytes.count)
                    keyCounts.append(key.count)
                    keyBytes += key
                    slots.append(-1)
                    firstChild.append(-1)
                    nextSibling.append(firstChild[node])
                    firstChild[node] = child
                }
                node = child
            }
            if slots[node] >= 0 { repeats.append((slot, slots[node])) } else { slots[node] = slot }
        }
    }

    /// The value at each path (nil when absent), in the order of ``paths``.
    public func read(_ bytes: UnsafeBufferPointer<UInt8>, into values: inout [JSONValue?]) {
        values.removeAll(keepingCapacity: true)
        values.append(contentsOf: repeatElement(nil, count: paths.count))
        guard !paths.isEmpty, let base = bytes.baseAddress else { return }
        walk(base, count: bytes.count) { slot, start, end in
            values[slot] = try? JSONParser.parse(UnsafeBufferPointer(start: base + start, count: end - start))
        }
        // A path given twice takes the value read for its first slot.
        for (slot, first) in repeats { values[slot] = values[first] }
    }

    /// Where the value at each path lies (empty when absent), in the order of ``paths``.
    public func read(_ bytes: UnsafeBufferPointer<UInt8>, into spans: inout Spans) {
        if spans.bounds.count != 2 * paths.count {
            spans.bounds = [Int](repeating: 0, count: 2 * paths.count)
        } else {
            for index in spans.bounds.indices { spans.bounds[index] = 0 }
        }
        guard !paths.isEmpty, let base = bytes.baseAddress else { return }
        walk(base, count: bytes.count) { slot, start, end in
            spans.bounds[2 * slot] = start
            spans.bounds[2 * slot + 1] = end
        }
        for (slot, first) in repeats {
            spans.bounds[2 * slot] = spans.bounds[2 * first]
            spans.bounds[2 * slot + 1] = spans.bounds[2 * first + 1]
        }
    }

    /// Walks the object in the bytes, calling `found` with the slot and offsets of each wanted value met.
    private func walk(_ base: UnsafePointer<UInt8>, count: Int, found: (Int, Int, Int) -> Void) {
        var scanner = Scanner(base: base, end: count)
        scanner.skipSpace()
        keyBytes.withUnsafeBufferPointer { keys in
            readObject(node: 0, scanner: &scanner, keys: keys, depth: 0, found: found)
        }
    }

    private func readObject(node: Int, scanner: inout Scanner, keys: UnsafeBufferPointer<UInt8>, depth: Int, found: (Int, Int, Int) -> Void) {
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
            let child = self.child(of: node, named: scanner.base + keyStart, count: keyEnd - keyStart, keys: keys)
            if child >= 0 {
                let valueStart = scanner.index
                if firstChild[child] >= 0, scanner.peek == UInt8(ascii: "{") {
                    readObject(node: child, scanner: &scanner, keys: keys, depth: depth + 1, found: found)
                } else {
                    guard scanner.skipValue() else { return }
                }
                if slots[child] >= 0 { found(slots[child], valueStart, scanner.index) }
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

    /// The child of `node` whose key is the `count` bytes at `key` (compared as written, escapes and all), or -1.
    @inline(__always)
    private func child(of node: Int, named key: UnsafePointer<UInt8>, count: Int, keys: UnsafeBufferPointer<UInt8>) -> Int {
        var child = firstChild[node]
        search: while child >= 0 {
            defer { child = nextSibling[child] }
            guard keyCounts[child] == count else { continue }
            let start = keyStarts[child]
            for offset in 0..<count where keys[start + offset] != key[offset] { continue search }
            return child
        }
        return -1
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

        /// Moves past a string starting at the opening quote (a backslash escapes the byte after
        /// it), looking at eight bytes at a time for a quote or a backslash.
        mutating func skipString() -> Bool {
            index += 1
            while index < end {
                while index + 8 <= end {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    let special = Self.zeroBytes(word ^ 0x2222_2222_2222_2222) | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    if special != 0 {
                        // The lowest flagged byte is exact (a false flag only follows a true one).
                        index += special.trailingZeroBitCount >> 3
                        break
                    }
                    index += 8
                }
                guard index < end else { break }
                let byte = base[index]
                if byte == UInt8(ascii: "\"") { index += 1; return true }
                index += byte == UInt8(ascii: "\\") ? 2 : 1
            }
            index = min(index, end)
            return false
        }

        /// The high bit of each byte of `word` that is zero.
        @inline(__always)
        static func zeroBytes(_ word: UInt64) -> UInt64 {
            (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
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
