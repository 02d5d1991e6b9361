import JourneyModel

/// Why a workspace, persona, map or comment operation was refused or failed.
///
/// Nothing was written when one is thrown: every operation is one transaction. The
/// ``description`` names the field involved and says what to do; it never holds comment bodies
/// or customer data, so it is safe to show and to log.
public struct WorkspaceStoreError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure, open to new kinds without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case notFound = "not-found"
            case alreadyExists = "already-exists"
            case invalidInput = "invalid-input"
            case invalidDocument = "invalid-document"
            case versionConflict = "version-conflict"
            case inUse = "in-use"
            case storage
            case unavailable
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The workspace, persona, map, version or comment does not exist (HTTP 404).
        public static let notFound = Code(.notFound)
        /// Something with that id exists already (HTTP 409).
        public static let alreadyExists = Code(.alreadyExists)
        /// A request field is missing, malformed or out of range (HTTP 400).
        public static let invalidInput = Code(.invalidInput)
        /// A persona, map or workspace document has errors; see ``WorkspaceStoreError/diagnostics`` (HTTP 422).
        public static let invalidDocument = Code(.invalidDocument)
        /// The map changed since the version the caller based its edit on (HTTP 409).
        public static let versionConflict = Code(.versionConflict)
        /// Other content still refers to what was to be deleted (HTTP 409).
        public static let inUse = Code(.inUse)
        /// The database failed; the operation may be retried (HTTP 500).
        public static let storage = Code(.storage)
        /// The database does not answer (a team server's PostgreSQL is down or out of reach);
        /// the operation may be retried later (HTTP 503 with `Retry-After`).
        public static let unavailable = Code(.unavailable)

        /// A stable name for the code, such as `not-found`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The request field involved (`id`, `name`, `version`, `target`, `parent`…), when one.
    public var field: String?
    /// What went wrong and what to do.
    public var message: String
    /// For ``Code/invalidDocument``: every problem found (errors first), with path, message,
    /// expected value and suggestion.
    public var diagnostics: [Diagnostic]

    /// Creates an error.
    public init(_ code: Code, field: String? = nil, _ message: String, diagnostics: [Diagnostic] = []) {
        self.code = code
        self.field = field
        self.message = message
        self.diagnostics = diagnostics
    }

    /// The message.
    public var description: String { message }

    /// The message followed by each diagnostic in its long form.
    public var debugDescription: String {
        ([ "\(code): \(message)" ] + diagnostics.map(\.formatted)).joined(separator: "\n")
    }
}

extension WorkspaceStoreError {
    static func notFound(_ field: String, _ message: String) -> Self { Self(.notFound, field: field, message) }
    static func invalid(_ field: String, _ message: String) -> Self { Self(.invalidInput, field: field, message) }

    /// A refused document: the subject and the first error in the message, every diagnostic attached.
    public static func invalidDocument(_ subject: String, _ diagnostics: [Diagnostic]) -> Self {
        let errors = diagnostics.filter { $0.severity == .error }
        let first = errors.first.map { error in
            var text = error.message
            if !error.path.isEmpty { text += " [\(error.path)]" }
            if let suggestion = error.suggestion { text += "; \(suggestion)" }
            return text
        } ?? "it has errors"
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        return Self(.invalidDocument, field: "document", "\(subject): \(first)\(more); nothing was saved",
                    diagnostics: errors + diagnostics.filter { $0.severity != .error })
    }
}
