/// One problem found in journey-as-code files.
///
/// Rendered as `file:line:column: error: message`, the form editors and CI
/// annotate, followed by what was expected and a suggestion.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// The workspace cannot be used until this is fixed.
        case error
        /// The workspace works, but probably not as meant.
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// Error or warning.
    public var severity: Severity
    /// A stable code naming the kind of problem, such as `unknown-key` or `dangling-reference`.
    public var code: String
    /// The file involved.
    public var file: String
    /// Line, 1-based, or 0 when the problem concerns the whole file.
    public var line: Int
    /// Column, 1-based, or 0 when the problem concerns the whole file.
    public var column: Int
    /// The key path of the value involved, such as `journeys[0].touchpoints[3].stage`.
    public var path: String
    /// What is wrong.
    public var message: String
    /// What was expected there.
    public var expected: String?
    /// What to do about it (a did-you-mean, a fix).
    public var suggestion: String?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, code: String, at location: SourceLocation?, file: String, path: String,
        message: String, expected: String? = nil, suggestion: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.file = location?.file ?? file
        self.line = location?.line ?? 0
        self.column = location?.column ?? 0
        self.path = path
        self.message = message
        self.expected = expected
        self.suggestion = suggestion
    }

    /// The location prefix: `file:line:column`, or just `file` when there is no position.
    public var locationText: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }

    /// The one-line form followed by indented `expected` and `suggestion` lines.
    public var formatted: String {
        var text = "\(locationText): \(severity.rawValue): \(message)"
        if !path.isEmpty { text += " [\(path)]" }
        if let expected { text += "\n    expected: \(expected)" }
        if let suggestion { text += "\n    suggestion: \(suggestion)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column, errors first at the same place.
    public func sortedByLocation() -> [Diagnostic] {
        sorted { ($0.file, $0.line, $0.column, $0.severity) < ($1.file, $1.line, $1.column, $1.severity) }
    }
}
