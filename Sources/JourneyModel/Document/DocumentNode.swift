/// A parsed YAML or JSON value that remembers where it came from.
///
/// The codec reads the model from this tree so that every problem can name the
/// file, line and column of the value involved, and writes the model back into
/// it so that YAML and JSON output share one ordered representation.
public struct DocumentNode: Sendable, Equatable {
    /// The shape and content of a node.
    public enum Value: Sendable, Equatable {
        /// A scalar and whether it was written quoted (a quoted scalar is always a string).
        case scalar(String, quoted: Bool)
        /// An ordered list.
        case sequence([DocumentNode])
        /// An ordered mapping; keys keep their own positions.
        case mapping([Entry])
        /// An explicit null (`null`, `~` or an empty value).
        case null
    }

    /// One key and value of a mapping.
    public struct Entry: Sendable, Equatable {
        /// The key text.
        public var key: String
        /// Where the key was written.
        public var keyLocation: SourceLocation?
        /// The value.
        public var value: DocumentNode

        /// Creates an entry.
        public init(key: String, keyLocation: SourceLocation? = nil, value: DocumentNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    /// The content.
    public var value: Value
    /// Where the value starts, when it was read from a file.
    public var location: SourceLocation?

    /// Creates a node.
    public init(_ value: Value, location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }

    /// Two nodes are equal when their content is, wherever they were written.
    public static func == (lhs: DocumentNode, rhs: DocumentNode) -> Bool {
        lhs.value == rhs.value
    }
}

extension DocumentNode.Entry {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.key == rhs.key && lhs.value == rhs.value
    }
}

extension DocumentNode {
    /// An unquoted scalar (numbers, booleans).
    public static func plain(_ text: String) -> DocumentNode { DocumentNode(.scalar(text, quoted: false)) }
    /// A string scalar.
    public static func string(_ text: String) -> DocumentNode { DocumentNode(.scalar(text, quoted: true)) }
    /// A number scalar, written without a fraction when it is whole.
    public static func number(_ value: Double) -> DocumentNode { .plain(NumberFormat.canonical(value)) }
    /// A mapping built from ordered pairs; nil values are left out.
    public static func mapping(_ pairs: [(String, DocumentNode?)]) -> DocumentNode {
        DocumentNode(.mapping(pairs.compactMap { key, value in value.map { DocumentNode.Entry(key: key, value: $0) } }))
    }
    /// A sequence.
    public static func sequence(_ items: [DocumentNode]) -> DocumentNode { DocumentNode(.sequence(items)) }

    /// A short name for the kind of value, for messages ("a mapping", "a list", "text").
    public var kindDescription: String {
        switch value {
        case .scalar(let text, let quoted):
            if quoted { return "text \"\(text.prefix(40))\"" }
            if let number = Double(text) { return number.isFinite ? "the number \(text)" : "a number too large (\(text.prefix(20)))" }
            if ["true", "false"].contains(text.lowercased()) { return "the boolean \(text)" }
            return "text \"\(text.prefix(40))\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .null: return "null"
        }
    }

    /// The entries when this node is a mapping.
    public var entries: [Entry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The value for a key when this node is a mapping.
    public subscript(key: String) -> DocumentNode? {
        entries?.first { $0.key == key }?.value
    }
}

/// Number formatting shared by the codec and the renderers.
public enum NumberFormat {
    /// The shortest text that reads back as the same number, without `.0` for whole numbers.
    public static func canonical(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }
}
