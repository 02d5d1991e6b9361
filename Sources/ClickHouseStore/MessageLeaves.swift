/// The values of a stored message by path, for ClickHouse's `prop_paths` and `prop_values`
/// columns: every value (strings, numbers, booleans, null, arrays, and `{}` for an object,
/// whose values follow under its path), with the keys leading to it as the message writes them
/// (escapes and all) joined by ``separator``, and its JSON text. A query finds the values at a path with
/// `prop_values[indexOf(prop_paths, 'key␟key')]` (a path given twice is stored once, with its
/// last value, as the engine's field reader takes it).
///
/// A message that is not well formed yields the values read before the fault: what the store
/// holds was checked when it was stored.
enum MessageLeaves {
    /// Between the keys of a path: a control character, which a JSON key never holds unescaped.
    static let separator: UInt8 = 0x1F

    /// The path text of a list of keys.
    static func path(_ keys: [String]) -> String {
        keys.joined(separator: String(UnicodeScalar(separator)))
    }

    /// The value stored for an object: every rule answers alike for any two objects.
    static let emptyObject: [UInt8] = Array("{}".utf8)

    /// Calls `leaf` with each path and value of `message`.
    static func forEach(_ message: UnsafeBufferPointer<UInt8>, _ leaf: (ArraySlice<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        var index = 0
        var path: [UInt8] = []
        func skipSpace() {
            while index < message.count, message[index] == 0x20 || message[index] == 0x0A || message[index] == 0x0D || message[index] == 0x09 { index += 1 }
        }
        /// Moves past a string starting at its opening quote; false when it does not end.
        func skipString() -> Bool {
            index += 1
            while index < message.count {
                switch message[index] {
                case UInt8(ascii: "\""): index += 1; return true
                case UInt8(ascii: "\\"): index += 2
                default: index += 1
                }
            }
            return false
        }
        /// Moves past any value; false when it does not end.
        func skipValue() -> Bool {
            guard index < message.count else { return false }
            switch message[index] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < message.count {
                    switch message[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                while index < message.count, !",}] \n\r\t".utf8.contains(message[index]) { index += 1 }
                return true
            }
        }
        /// Reads the object at `index`; false on a fault.
        func object(level: Int) -> Bool {
            index += 1
            let depth = path.count
            skipSpace()
            if index < message.count, message[index] == UInt8(ascii: "}") { index += 1; return true }
            while index < message.count {
                skipSpace()
                guard index < message.count, message[index] == UInt8(ascii: "\"") else { return false }
                let keyStart = index + 1
                guard skipString() else { return false }
                let keyEnd = index - 1
                skipSpace()
                guard index < message.count, message[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpace()
                if level > 0 { path.append(separator) }
                path += message[keyStart..<keyEnd]
                guard index < message.count else { return false }
                if message[index] == UInt8(ascii: "{") {
                    // An object is a value too (a rule may ask whether it is there): `{}` stands
                    // for it, before the values inside it.
                    emptyObject.withUnsafeBufferPointer { leaf(path[...], $0) }
                    guard object(level: level + 1) else { return false }
                } else {
                    let start = index
                    guard skipValue() else { return false }
                    leaf(path[...], UnsafeBufferPointer(rebasing: message[start..<index]))
                }
                path.removeSubrange(depth...)
                skipSpace()
                guard index < message.count else { return false }
                if message[index] == UInt8(ascii: ",") { index += 1; continue }
                if message[index] == UInt8(ascii: "}") { index += 1; return true }
                return false
            }
            return false
        }
        skipSpace()
        guard index < message.count, message[index] == UInt8(ascii: "{") else { return }
        _ = object(level: 0)
    }
}
