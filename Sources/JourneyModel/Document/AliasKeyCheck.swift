internal import CYaml

/// Aliases within mapping keys, found on the YAML parser's events before any node is built.
///
/// The composer compares the keys of each mapping by hashing them whole, and an alias stands for
/// everything its anchor expands to: a key such as `[*g]: x` or `? - *g`, a few lines of nested
/// anchors later, would take it minutes. A key of a workspace file is a name, never an alias, so
/// a document with an alias anywhere inside a key (the key itself, or a list or mapping used as a
/// key) is refused at once. The parser's own events tell keys from values, so no reading of the
/// text can disagree with it; a syntax error ends the check, and the composer reports it.
enum AliasKeyCheck {
    /// The position (line and column, from 1) of the first alias inside a mapping key.
    static func firstAliasKey(_ text: String) -> (line: Int, column: Int)? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = KeyWalk()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let mark = event.start_mark
                switch event.type {
                case YAML_ALIAS_EVENT:
                    if walk.node() { return (Int(mark.line) + 1, Int(mark.column) + 1) }
                case YAML_SCALAR_EVENT:
                    _ = walk.node()
                case YAML_SEQUENCE_START_EVENT:
                    walk.open(mapping: false)
                case YAML_MAPPING_START_EVENT:
                    walk.open(mapping: true)
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    walk.close()
                case YAML_STREAM_END_EVENT:
                    return nil
                default:
                    break
                }
            }
        }
    }

    /// Where the parser stands: the open lists and mappings, each knowing whether it lies within a
    /// key and, for a mapping, whether its next node is a key.
    struct KeyWalk {
        private struct Collection {
            var isMapping: Bool
            var withinKey: Bool
            var expectsKey = true
        }

        private var open: [Collection] = []

        /// Whether the node starting now lies within a key; moves a mapping on from key to value.
        mutating func node() -> Bool {
            guard let last = open.indices.last else { return false }
            let withinKey = open[last].withinKey || (open[last].isMapping && open[last].expectsKey)
            if open[last].isMapping { open[last].expectsKey.toggle() }
            return withinKey
        }

        mutating func open(mapping: Bool) {
            let withinKey = node()
            open.append(Collection(isMapping: mapping, withinKey: withinKey))
        }

        mutating func close() {
            if !open.isEmpty { open.removeLast() }
        }
    }
}
