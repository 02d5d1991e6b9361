import Foundation

import Yams

/// Reads YAML or JSON text into a ``DocumentNode`` tree, turning every
/// syntax problem into a ``Diagnostic`` instead of an error or a crash.
public enum DocumentReader {
    /// The syntax of a file.
    public enum Syntax: String, Sendable, CaseIterable {
        case yaml, json

        /// The syntax a file name implies: `.json` is JSON, anything else YAML.
        public static func of(path: String) -> Syntax {
            path.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// Files larger than this are refused before parsing (8 MiB).
    public static let maximumFileSize = 8 * 1024 * 1024
    /// Values nested deeper than this are refused.
    public static let maximumDepth = 64
    /// Mappings, lists and scalars allowed after aliases are expanded.
    public static let maximumNodeCount = 2_000_000

    /// The outcome of reading one file.
    public struct Result: Sendable {
        /// The root value, when the file could be read.
        public var root: DocumentNode?
        /// Problems found while reading.
        public var diagnostics: [Diagnostic]
    }

    /// Reads `bytes` as `syntax`, naming `file` in positions and diagnostics.
    public static func read(_ bytes: [UInt8], file: String, syntax: Syntax) -> Result {
        func fail(_ message: String, line: Int = 0, column: Int = 0, code: String = "syntax", suggestion: String? = nil) -> Result {
            let location = line > 0 ? SourceLocation(file: file, line: line, column: column) : nil
            return Result(root: nil, diagnostics: [
                Diagnostic(.error, code: code, at: location, file: file, path: "", message: message, suggestion: suggestion)
            ])
        }
        guard bytes.count <= maximumFileSize else {
            return fail(
                "the file is \(ByteCount.text(bytes.count)); journey-as-code files are limited to \(ByteCount.text(maximumFileSize))",
                code: "file-too-large", suggestion: "split the workspace into personas/ and journeys/ folders of one-object files")
        }
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let problem = TextCheck.firstProblem(in: bytes) {
            return fail(problem.message, line: problem.line, column: problem.column, code: "encoding", suggestion: problem.suggestion)
        }
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            return fail("the file is empty", code: "empty-file", suggestion: "start with 'version: 1', or run 'wayfinder init' for a complete example")
        }
        switch syntax {
        case .json:
            var reader = JSONReader(bytes: bytes, file: file, maxDepth: maximumDepth)
            do {
                return Result(root: try reader.read(), diagnostics: [])
            } catch {
                return fail("invalid JSON: \(error.message)", line: error.line, column: error.column)
            }
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            if let deep = NestingCheck.firstTooDeep(text, limit: 4 * maximumDepth) {
                return fail("values are nested more than \(maximumDepth) levels deep", line: deep.line, column: deep.column, code: "too-deep")
            }
            switch YAMLEventCheck.firstProblem(text, limit: maximumNodeCount) {
            case .aliasKey(let line, let column):
                return fail("an alias (*name) is used as a mapping key; a key must be a name written out", line: line, column: column,
                            code: "alias-key", suggestion: "write the key itself, or use the alias as a value")
            case .tooLarge:
                return fail("the document expands to more than \(maximumNodeCount) values (through aliases or nesting)", code: "too-large")
            case nil:
                break
            }
            do {
                guard let node = try Yams.compose(yaml: text) else {
                    return fail("the file holds no YAML document", code: "empty-file")
                }
                var budget = maximumNodeCount
                guard let root = convert(node, file: file, budget: &budget, depth: 0) else {
                    return fail("the document expands to more than \(maximumNodeCount) values (through aliases or nesting)", code: "too-large")
                }
                return Result(root: root, diagnostics: [])
            } catch let error as YamlError {
                return describe(error, file: file, text: text)
            } catch {
                return fail("the YAML could not be read")
            }
        }
    }

    private static func describe(_ error: YamlError, file: String, text: String) -> Result {
        func result(_ problem: String, _ mark: Mark?, _ context: String?) -> Result {
            var problem = problem
            var suggestion = "check the indentation and quoting near this position"
            if problem.contains("cannot start any token"), let mark, character(at: mark, in: text) == "\t" {
                problem = "a tab character is not allowed here; YAML indents with spaces"
                suggestion = "replace the tabs with spaces"
            }
            var message = "invalid YAML: \(problem)"
            if let context, !context.isEmpty { message += " (\(context.trimmingCharacters(in: .whitespaces)))" }
            let location = mark.map { mark -> SourceLocation in
                // libyaml reports the end of a file without a final newline on the line after it.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if mark.line > lines.count, let last = lines.last {
                    return SourceLocation(file: file, line: lines.count, column: last.unicodeScalars.count + 1)
                }
                return SourceLocation(file: file, line: mark.line, column: mark.column)
            }
            return Result(root: nil, diagnostics: [
                Diagnostic(.error, code: "syntax", at: location, file: file, path: "", message: message,
                           suggestion: suggestion)
            ])
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return result(problem, mark, context.map { "\($0.text) at line \($0.mark.line)" })
        case let .duplicatedKeysInMapping(duplicates, context):
            return result("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping", context.mark, nil)
        case let .reader(problem, _, _, _):
            return result(problem, nil, nil)
        default:
            return result("the document could not be parsed", nil, nil)
        }
    }

    static func character(at mark: Mark, in text: String) -> Character? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = lines[mark.line - 1].unicodeScalars
        guard mark.column >= 1, mark.column <= scalars.count else { return nil }
        return Character(scalars[scalars.index(scalars.startIndex, offsetBy: mark.column - 1)])
    }

    private static func convert(_ node: Node, file: String, budget: inout Int, depth: Int) -> DocumentNode? {
        budget -= 1
        guard budget >= 0, depth <= maximumDepth else { return nil }
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style != .plain && scalar.style != .any
            if !quoted, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return DocumentNode(.null, location: location)
            }
            return DocumentNode(.scalar(scalar.string, quoted: quoted), location: location)
        case .sequence(let sequence):
            var items: [DocumentNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence {
                guard let converted = convert(item, file: file, budget: &budget, depth: depth + 1) else { return nil }
                items.append(converted)
            }
            return DocumentNode(.sequence(items), location: location)
        case .mapping(let mapping):
            var entries: [DocumentNode.Entry] = []
            for (key, value) in mapping {
                let keyLocation = key.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
                let keyText: String
                switch key {
                case .scalar(let scalar): keyText = scalar.string
                default: keyText = "<\(key.sequence != nil ? "list" : "mapping") used as a key>"
                }
                guard let converted = convert(value, file: file, budget: &budget, depth: depth + 1) else { return nil }
                entries.append(DocumentNode.Entry(key: keyText, keyLocation: keyLocation, value: converted))
            }
            return DocumentNode(.mapping(entries), location: location)
        case .alias:
            return DocumentNode(.null, location: location)
        }
    }
}

/// Human-readable byte counts for messages.
public enum ByteCount {
    /// "812 bytes", "12.3 KB", "100.0 MB".
    public static func text(_ count: Int) -> String {
        if count < 1024 { return "\(count) bytes" }
        if count < 1024 * 1024 { return String(format: "%.1f KB", Double(count) / 1024) }
        return String(format: "%.1f MB", Double(count) / 1_048_576)
    }
}
