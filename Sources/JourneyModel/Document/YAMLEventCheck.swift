internal import CYaml

/// Checks made on the YAML parser's events before any node is built, for the two ways a small
/// document can make the composer work for minutes.
///
/// - **An alias inside a mapping key.** The composer compares the keys of each mapping by hashing
///   them whole, and an alias stands for everything its anchor expands to: a key such as `[*g]: x`
///   or `? - *g`, a few lines of nested anchors later, would take it minutes. A key of a workspace
///   file is a name, never an alias, so a document with an alias anywhere inside a key (the key
///   itself, or a list or mapping used as a key) is refused.
/// - **Too many values once aliases are expanded** (a "billion laughs"): each anchor's expanded
///   size is counted as its node ends, and each alias adds its anchor's, so the expanded size of
///   the whole document is known in one pass over the text, without expanding anything.
///
/// The parser's own events tell keys from values, so no reading of the text can disagree with it;
/// a syntax error ends the check, and the composer reports it.
enum YAMLEventCheck {
    enum Problem: Equatable {
        /// An alias inside a mapping key, at its line and column (from 1).
        case aliasKey(line: Int, column: Int)
        /// More than the limit of values once aliases are expanded.
        case tooLarge
    }

    /// The problem of `text`, counting values against `limit` as the reader does (mapping keys
    /// are not values): an alias inside a key wherever it is, else too many values.
    static func firstProblem(_ text: String, limit: Int) -> Problem? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeMutableBufferPointer { buffer -> Problem? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = Walk(limit: limit)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                switch event.type {
                case YAML_ALIAS_EVENT:
                    if walk.node().withinKey { return .aliasKey(line: Int(mark.line) + 1, column: Int(mark.column) + 1) }
                    walk.count(walk.anchors[anchor(event.data.alias.anchor) ?? ""] ?? 1)
                case YAML_SCALAR_EVENT:
                    let isKey = walk.node().isKey
                    if !isKey { walk.count(1) }
                    // An alias of an anchored key stands for one value wherever it is used.
                    if let name = anchor(event.data.scalar.anchor) { walk.anchors[name] = 1 }
                case YAML_SEQUENCE_START_EVENT:
                    walk.open(mapping: false, anchor: anchor(event.data.sequence_start.anchor))
                case YAML_MAPPING_START_EVENT:
                    walk.open(mapping: true, anchor: anchor(event.data.mapping_start.anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    walk.close()
                case YAML_STREAM_END_EVENT:
                    // An alias key is told wherever it is; past the limit only the keys are looked at.
                    return walk.expanded > limit ? .tooLarge : nil
                default:
                    break
                }
            }
        }
    }

    private static func anchor(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    /// Where the parser stands: the open lists and mappings, each knowing whether it lies within a
    /// key and, for a mapping, whether its next node is a key; and the values counted so far.
    struct Walk {
        private struct Collection {
            var isMapping: Bool
            var withinKey: Bool
            var expectsKey = true
            var anchor: String?
            /// `expanded` when the collection started.
            var start: Int
        }

        private var open: [Collection] = []
        let limit: Int
        /// Values so far, each alias counted as all its anchor expands to (held at one past the
        /// limit once there, so that no sum overflows).
        private(set) var expanded = 0
        /// Each anchor's expanded size (a later anchor of the same name replaces it, as in YAML).
        var anchors: [String: Int] = [:]

        init(limit: Int) { self.limit = limit }

        mutating func count(_ values: Int) {
            expanded = min(limit + 1, expanded + min(values, limit + 1))
        }

        /// Whether the node starting now lies within a key, and whether it is the key of its
        /// mapping; moves a mapping on from key to value.
        mutating func node() -> (withinKey: Bool, isKey: Bool) {
            guard let last = open.indices.last else { return (false, false) }
            let isKey = open[last].isMapping && open[last].expectsKey
            if open[last].isMapping { open[last].expectsKey.toggle() }
            return (open[last].withinKey || isKey, isKey)
        }

        mutating func open(mapping: Bool, anchor: String?) {
            let withinKey = node().withinKey
            open.append(Collection(isMapping: mapping, withinKey: withinKey, anchor: anchor, start: expanded))
            count(1)
        }

        mutating func close() {
            guard let collection = open.popLast() else { return }
            if let anchor = collection.anchor { anchors[anchor] = expanded - collection.start }
        }
    }
}
