import Foundation
/// The columns of a generated CSV file: the standard ones, then every context, property and trait
/// path the scenario can produce, in a fixed order (first seen in map order).
///
/// The names follow ``CSVMapping/standard``, so ``RecordReader`` reads the file back without a
/// mapping file.
struct CSVLayout: Sendable {
    /// The standard columns, in order.
    static let fixed = ["timestamp", "type", "event", "name", "messageId", "anonymousId", "userId", "email", "phone", "device_id", "channel"]

    /// A tree of object keys leading to a column, so a row is filled without building path strings.
    final class Node: Sendable {
        let children: [String: Node]
        let column: Int?

        init(children: [String: Node], column: Int?) {
            self.children = children
            self.column = column
        }
    }

    /// Every column name, standard ones first.
    let columns: [String]
    /// Columns under `context.`, `properties.` and `traits.` as trees.
    let context: Node
    let properties: Node
    let traits: Node

    init(templates: [EventTemplate], extraProperties: [JSONValue], traits: [JSONValue]) {
        var contextPaths = Paths(), propertyPaths = Paths(), traitPaths = Paths()
        traitPaths.add("first_name")
        traitPaths.add("last_name")
        for template in templates {
            Self.leaves(of: template.context, into: &contextPaths)
            Self.leaves(of: template.properties, into: &propertyPaths)
        }
        for set in extraProperties { Self.leaves(of: set, into: &propertyPaths) }
        for set in traits { Self.leaves(of: set, into: &traitPaths) }
        contextPaths.remove("channel")
        contextPaths.remove("device.id")
        traitPaths.remove("email")
        traitPaths.remove("phone")
        var columns = Self.fixed
        var first = columns.count
        context = Self.tree(contextPaths.ordered, firstColumn: first)
        columns += contextPaths.ordered.map { "context." + $0 }
        first = columns.count
        properties = Self.tree(propertyPaths.ordered, firstColumn: first)
        columns += propertyPaths.ordered.map { "properties." + $0 }
        first = columns.count
        self.traits = Self.tree(traitPaths.ordered, firstColumn: first)
        columns += traitPaths.ordered.map { "traits." + $0 }
        self.columns = columns
    }

    /// The header line (without the newline).
    var header: String { columns.map(CSVLayout.quoted).joined(separator: ",") }

    static func quoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Paths in first-seen order, without duplicates.
    struct Paths {
        private(set) var ordered: [String] = []
        private var seen: Set<String> = []

        mutating func add(_ path: String) {
            if seen.insert(path).inserted { ordered.append(path) }
        }

        mutating func remove(_ path: String) {
            if seen.remove(path) != nil { ordered.removeAll { $0 == path } }
        }
    }

    static func leaves(of value: JSONValue, prefix: String = "", into paths: inout Paths) {
        guard case .object(let entries) = value else {
            if !prefix.isEmpty { paths.add(prefix) }
            return
        }
        for (key, inner) in entries { leaves(of: inner, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &paths) }
    }

    static func tree(_ paths: [String], firstColumn: Int) -> Node {
        final class Builder {
            var children: [String: Builder] = [:]
            var column: Int?
            func node() -> Node { Node(children: children.mapValues { $0.node() }, column: column) }
        }
        let root = Builder()
        for (offset, path) in paths.enumerated() {
            var current = root
            for key in path.split(separator: ".").map(String.init) {
                if let next = current.children[key] { current = next } else {
                    let next = Builder()
                    current.children[key] = next
                    current = next
                }
            }
            current.column = firstColumn + offset
        }
        return root.node()
    }
}
