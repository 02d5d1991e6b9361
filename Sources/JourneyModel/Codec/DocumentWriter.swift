import Foundation

/// Writes document trees as YAML or JSON text, deterministically.
public enum DocumentWriter {
    /// YAML in block style, with short lists and mappings of plain values in flow style.
    public static func yaml(_ node: DocumentNode) -> String {
        var out = ""
        writeYAML(node, indent: 0, into: &out, inSequence: false)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    /// Pretty-printed JSON with two-space indentation and keys in document order.
    public static func json(_ node: DocumentNode) -> String {
        var out = ""
        writeJSON(node, indent: 0, into: &out)
        return out + "\n"
    }

    // MARK: YAML

    private static func writeYAML(_ node: DocumentNode, indent: Int, into out: inout String, inSequence: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch node.value {
        case .mapping(let entries):
            for (index, entry) in entries.enumerated() {
                if !(inSequence && index == 0) { out += pad }
                out += yamlKey(entry.key) + ":"
                writeYAMLValue(entry.value, indent: indent, into: &out)
            }
        case .sequence(let items):
            for item in items {
                out += pad + "- "
                switch item.value {
                case .mapping(let entries) where !entries.isEmpty && flow(item) == nil:
                    writeYAML(item, indent: indent + 2, into: &out, inSequence: true)
                case .sequence(let inner) where !inner.isEmpty && flow(item) == nil:
                    out += "\n"
                    writeYAML(item, indent: indent + 2, into: &out, inSequence: false)
                default:
                    out += inline(item) + "\n"
                }
            }
        default:
            out += pad + inline(node) + "\n"
        }
    }

    private static func writeYAMLValue(_ value: DocumentNode, indent: Int, into out: inout String) {
        switch value.value {
        case .mapping(let entries) where !entries.isEmpty && flow(value) == nil:
            out += "\n"
            writeYAML(value, indent: indent + 2, into: &out, inSequence: false)
        case .sequence(let items) where !items.isEmpty && flow(value) == nil:
            out += "\n"
            writeYAML(value, indent: indent + 2, into: &out, inSequence: false)
        default:
            out += " " + inline(value) + "\n"
        }
    }

    /// The one-line form of a value, or nil when it is too long or nested for flow style.
    private static func flow(_ node: DocumentNode) -> String? {
        switch node.value {
        case .scalar, .null: return inline(node)
        case .sequence(let items):
            guard items.allSatisfy(\.isScalar) else { return nil }
            let text = "[" + items.map { scalarText($0, inFlow: true) }.joined(separator: ", ") + "]"
            return text.count <= 72 ? text : nil
        case .mapping(let entries):
            if entries.isEmpty { return "{}" }
            guard entries.allSatisfy({ $0.value.isScalar || ($0.value.entries?.count == 1 && $0.value.entries!.allSatisfy { $0.value.isScalar }) }) else {
                return nil
            }
            let parts = entries.map { entry -> String in
                if let inner = entry.value.entries {
                    return yamlKey(entry.key, inFlow: true) + ": { " + inner.map { yamlKey($0.key, inFlow: true) + ": " + scalarText($0.value, inFlow: true) }.joined() + " }"
                }
                return yamlKey(entry.key, inFlow: true) + ": " + scalarText(entry.value, inFlow: true)
            }
            let text = "{ " + parts.joined(separator: ", ") + " }"
            return text.count <= 72 ? text : nil
        }
    }

    private static func inline(_ node: DocumentNode) -> String {
        switch node.value {
        case .scalar, .null: return scalarText(node, inFlow: false)
        case .sequence(let items): return flow(node) ?? "[" + items.map(inline).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return flow(node) ?? "{ " + entries.map { yamlKey($0.key, inFlow: true) + ": " + inline($0.value) }.joined(separator: ", ") + " }"
        }
    }

    private static func scalarText(_ node: DocumentNode, inFlow: Bool) -> String {
        switch node.value {
        case .null: return "null"
        case .scalar(let text, let quoted):
            if !quoted { return text }
            return YAMLQuoting.needsQuotes(text, inFlow: inFlow) ? YAMLQuoting.doubleQuoted(text) : text
        default: return inline(node)
        }
    }

    private static func yamlKey(_ key: String, inFlow: Bool = false) -> String {
        YAMLQuoting.needsQuotes(key, inFlow: inFlow) ? YAMLQuoting.doubleQuoted(key) : key
    }

    // MARK: JSON

    private static func writeJSON(_ node: DocumentNode, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch node.value {
        case .null: out += "null"
        case .scalar(let text, let quoted):
            if !quoted, text == "true" || text == "false" || JSONNumber.isValid(text) {
                out += text
            } else {
                out += JSONString.quoted(text)
            }
        case .sequence(let items):
            if items.isEmpty { out += "[]"; return }
            if items.allSatisfy(\.isScalar) {
                var line = "["
                for (index, item) in items.enumerated() {
                    if index > 0 { line += ", " }
                    writeJSON(item, indent: indent + 1, into: &line)
                }
                line += "]"
                if line.count <= 80 { out += line; return }
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                writeJSON(item, indent: indent + 1, into: &out)
                out += index < items.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .mapping(let entries):
            if entries.isEmpty { out += "{}"; return }
            out += "{\n"
            for (index, entry) in entries.enumerated() {
                out += pad + JSONString.quoted(entry.key) + ": "
                writeJSON(entry.value, indent: indent + 1, into: &out)
                out += index < entries.count - 1 ? ",\n" : "\n"
            }
            out += closePad + "}"
        }
    }
}

extension DocumentNode {
    var isScalar: Bool {
        switch value {
        case .scalar, .null: true
        default: false
        }
    }
}

/// YAML quoting decisions: quote whenever a plain scalar could be read as anything but this text.
enum YAMLQuoting {
    private static let reserved: Set<String> = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".nan", ".inf", "-.inf", "<<", "=",
    ]

    static func needsQuotes(_ text: String, inFlow: Bool) -> Bool {
        if reserved.contains(text.lowercased()) { return true }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return true }
        if first == " " || last == " " || first == "\t" { return true }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return true }
        if Double(text) != nil || text.first!.isNumber && text.allSatisfy({ $0.isNumber || "-:._+eE".contains($0) }) { return true }
        // By code points, not characters: a combining mark after `[` or a space makes one
        // character of the two, which a YAML reader still reads as the indicator and a space.
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == ":", next == nil || next == " " || next == "\t" { return true }
            if scalar == "#", index > 0, scalars[index - 1] == " " || scalars[index - 1] == "\t" { return true }
            if inFlow, ",[]{}?:#".unicodeScalars.contains(scalar) { return true }
        }
        // Within a plain scalar these are text, but a reader that looks for aliases, anchors
        // and tags token by token may take them for one.
        for (index, scalar) in scalars.enumerated().dropFirst() where "*&!".unicodeScalars.contains(scalar) {
            if " \t,[{".unicodeScalars.contains(scalars[index - 1]) { return true }
        }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x85
                || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                return true
            }
        }
        return false
    }

    /// A double-quoted YAML scalar; JSON's string syntax is a subset of it.
    static func doubleQuoted(_ text: String) -> String { JSONString.quoted(text) }
}

/// JSON string and number text.
public enum JSONString {
    /// `text` as a JSON string literal (also a valid YAML double-quoted scalar): control, C1,
    /// byte-order-mark, line-separator and U+FFFE/U+FFFF characters are escaped so no reader
    /// misreads or refuses them.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // YAML text may not hold U+FFFE and U+FFFF raw; escaped, they read back.
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFEFF
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

enum JSONNumber {
    /// Whether text follows JSON's number grammar.
    static func isValid(_ text: String) -> Bool {
        var scalars = Substring(text).unicodeScalars[...]
        func digits() -> Int {
            var count = 0
            while let first = scalars.first, ("0"..."9").contains(first) { scalars.removeFirst(); count += 1 }
            return count
        }
        if scalars.first == "-" { scalars.removeFirst() }
        if scalars.first == "0" {
            scalars.removeFirst()
        } else if digits() == 0 {
            return false
        }
        if scalars.first == "." {
            scalars.removeFirst()
            if digits() == 0 { return false }
        }
        if scalars.first == "e" || scalars.first == "E" {
            scalars.removeFirst()
            if scalars.first == "+" || scalars.first == "-" { scalars.removeFirst() }
            if digits() == 0 { return false }
        }
        return scalars.isEmpty
    }
}
