import Foundation

/// Reads model values from a ``DocumentNode`` tree, collecting every problem
/// instead of stopping at the first.
struct DecodeContext {
    var file: String
    var diagnostics: [Diagnostic] = []
    var sourceMap: SourceMap

    init(file: String) {
        self.file = file
        self.sourceMap = SourceMap(defaultFile: file)
    }

    mutating func error(_ code: String, _ node: DocumentNode?, _ path: String, _ message: String, expected: String? = nil, suggestion: String? = nil) {
        diagnostics.append(Diagnostic(.error, code: code, at: node?.location ?? sourceMap.location(of: path), file: file, path: path,
                                      message: message, expected: expected, suggestion: suggestion))
    }

    /// Opens a mapping that must follow `spec`: reports unknown and missing keys.
    mutating func object(_ node: DocumentNode, _ spec: FormatSchema.Object, _ path: String) -> ObjectReader? {
        sourceMap.record(path, node.location)
        guard let entries = node.entries else {
            error("wrong-type", node, path, "\(spec.name.lowercased()) must be a mapping, found \(node.kindDescription)",
                  expected: "a mapping with the keys \(spec.fields.filter(\.required).map { "'\($0.key)'" }.joined(separator: ", "))")
            return nil
        }
        for entry in entries {
            sourceMap.record(join(path, entry.key), entry.value.location ?? entry.keyLocation)
            if spec.field(entry.key) == nil {
                diagnostics.append(Diagnostic(
                    .error, code: "unknown-key", at: entry.keyLocation ?? node.location, file: file, path: join(path, entry.key),
                    message: "unknown key '\(entry.key)' in \(spec.name.lowercased())",
                    expected: "one of \(spec.keys.map { "'\($0)'" }.joined(separator: ", "))",
                    suggestion: Suggestions.closest(to: entry.key, in: spec.keys).map { "did you mean '\($0)'?" }))
            }
        }
        for field in spec.fields where field.required {
            let value = entries.first { $0.key == field.key }?.value
            if value == nil || value?.value == .null {
                error("missing-key", value ?? node, join(path, field.key), "\(spec.name.lowercased()) is missing the required key '\(field.key)'",
                      expected: field.summary, suggestion: "add '\(field.key): …'")
            }
        }
        return ObjectReader(node: node, entries: entries, path: path)
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Scalars

    mutating func text(_ node: DocumentNode?, _ path: String) -> String? {
        guard let node else { return nil }
        switch node.value {
        case .null: return nil
        case .scalar(let text, _): return text
        default:
            error("wrong-type", node, path, "'\(lastKey(path))' must be text, found \(node.kindDescription)", expected: "text")
            return nil
        }
    }

    mutating func number(_ node: DocumentNode?, _ path: String) -> Double? {
        guard let node else { return nil }
        switch node.value {
        case .null: return nil
        case .scalar(let text, let quoted) where !quoted:
            if let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite { return value }
            fallthrough
        default:
            error("wrong-type", node, path, "'\(lastKey(path))' must be a number, found \(node.kindDescription)", expected: "a number such as 1, -0.5 or 0.012")
            return nil
        }
    }

    mutating func integer(_ node: DocumentNode?, _ path: String) -> Int? {
        guard let node else { return nil }
        if case .scalar(let text, false) = node.value, let value = Int(text) { return value }
        if node.value == .null { return nil }
        error("wrong-type", node, path, "'\(lastKey(path))' must be a whole number, found \(node.kindDescription)", expected: "a whole number")
        return nil
    }

    mutating func identifier(_ node: DocumentNode?, _ path: String) -> String? {
        guard let text = text(node, path) else { return nil }
        if !IDRules.isValid(text) {
            error("invalid-id", node, path, "'\(text.prefix(60))' is not a valid id",
                  expected: "lower-case letters, digits and single hyphens, such as 'first-purchase'",
                  suggestion: IDRules.suggestion(for: text).map { "use '\($0)'" })
        }
        return text
    }

    mutating func date(_ node: DocumentNode?, _ path: String) -> CalendarDate? {
        guard let text = text(node, path) else { return nil }
        if let date = CalendarDate(text) { return date }
        error("invalid-date", node, path, "'\(text.prefix(60))' is not a date", expected: "a date written YYYY-MM-DD, such as 2026-09-01")
        return nil
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(_ node: DocumentNode?, _ path: String, as type: Value.Type) -> Value? where Value.RawValue == String {
        guard let text = text(node, path) else { return nil }
        if let value = Value(rawValue: text) ?? Value(rawValue: text.lowercased()) { return value }
        let allowed = Value.allCases.map(\.rawValue)
        error("invalid-value", node, path, "'\(text.prefix(60))' is not a valid \(lastKey(path).replacingOccurrences(of: "_", with: " "))",
              expected: "one of \(allowed.map { "'\($0)'" }.joined(separator: ", "))",
              suggestion: Suggestions.closest(to: text, in: allowed).map { "did you mean '\($0)'?" })
        return nil
    }

    mutating func scalarValue(_ node: DocumentNode, _ path: String) -> ScalarValue? {
        switch node.value {
        case .scalar(let text, let quoted):
            if quoted { return .string(text) }
            if let number = Double(text), number.isFinite, text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true {
                return .number(number)
            }
            if text == "true" || text == "false" { return .bool(text == "true") }
            return .string(text)
        case .null:
            error("wrong-type", node, path, "'\(lastKey(path))' has no value", expected: "text, a number or true/false")
            return nil
        default:
            error("wrong-type", node, path, "'\(lastKey(path))' must be text, a number or true/false, found \(node.kindDescription)",
                  expected: "a single value")
            return nil
        }
    }

    // MARK: Collections

    mutating func list<Element>(_ node: DocumentNode?, _ path: String, _ element: (inout DecodeContext, DocumentNode, String) -> Element?) -> [Element] {
        guard let node else { return [] }
        switch node.value {
        case .null: return []
        case .sequence(let items):
            var result: [Element] = []
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                sourceMap.record(itemPath, item.location)
                if let value = element(&self, item, itemPath) { result.append(value) }
            }
            return result
        default:
            error("wrong-type", node, path, "'\(lastKey(path))' must be a list, found \(node.kindDescription)",
                  expected: "a list: '[a, b]' or one '- item' per line")
            return []
        }
    }

    mutating func texts(_ node: DocumentNode?, _ path: String) -> [String] {
        list(node, path) { context, item, itemPath in context.text(item, itemPath) }
    }

    mutating func map<Value>(_ node: DocumentNode?, _ path: String, _ value: (inout DecodeContext, String, DocumentNode, String) -> Value?) -> [(String, Value)] {
        guard let node else { return [] }
        switch node.value {
        case .null: return []
        case .mapping(let entries):
            var result: [(String, Value)] = []
            for entry in entries {
                let entryPath = join(path, entry.key)
                sourceMap.record(entryPath, entry.keyLocation ?? entry.value.location)
                if let decoded = value(&self, entry.key, entry.value, entryPath) { result.append((entry.key, decoded)) }
            }
            return result
        default:
            error("wrong-type", node, path, "'\(lastKey(path))' must be a mapping of keys to values, found \(node.kindDescription)",
                  expected: "a mapping such as '{ key: value }'")
            return []
        }
    }

    func lastKey(_ path: String) -> String {
        var key = path.split(separator: ".").last.map(String.init) ?? path
        if let bracket = key.firstIndex(of: "[") { key = String(key[..<bracket]) }
        return key
    }
}

/// Access to the keys of one mapping being decoded.
struct ObjectReader {
    var node: DocumentNode
    var entries: [DocumentNode.Entry]
    var path: String

    subscript(key: String) -> DocumentNode? { entries.first { $0.key == key }?.value }

    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// Rules for ids.
public enum IDRules {
    /// Whether text is a valid id: `[a-z0-9]` runs joined by single hyphens.
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= TextLimit.identifier, text.first != "-", text.last != "-", !text.contains("--") else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A valid id made from text ("Order Completed" → "order-completed").
    public static func suggestion(for text: String) -> String? {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty, result.last != "-" {
                result += "-"
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? nil : String(result.prefix(TextLimit.identifier))
    }
}
