/// What changed between two versions of a workspace.
public struct WorkspaceDiff: Sendable, Equatable {
    /// One change.
    public struct Change: Sendable, Equatable, Codable {
        /// What kind of thing changed.
        public enum Subject: String, Sendable, Codable {
            case workspace, persona, journey, stage, touchpoint, emotion, card, lane
        }

        /// How it changed.
        public enum Action: String, Sendable, Codable {
            case added, removed, moved, edited
        }

        /// The kind of thing.
        public var subject: Subject
        /// Added, removed, moved or edited.
        public var action: Action
        /// Which one: `persona-id`, `journey-id/touchpoint-id`, `journey-id/touchpoint-id/lane`.
        public var target: String
        /// The field or lane involved, when one.
        public var field: String?
        /// The old value as text, when there was one.
        public var from: String?
        /// The new value as text, when there is one.
        public var to: String?

        /// One line: `+ touchpoint first-purchase/size-quiz: "Takes the size quiz"`.
        public var line: String {
            let sign = switch action {
            case .added: "+"
            case .removed: "-"
            case .moved: ">"
            case .edited: "~"
            }
            var text = "\(sign) \(subject.rawValue) \(target)"
            if let field { text += " \(field)" }
            switch (from, to) {
            case let (from?, to?): text += ": \(Self.quote(from)) → \(Self.quote(to))"
            case let (nil, to?): text += ": \(Self.quote(to))"
            case let (from?, nil): text += ": \(Self.quote(from))"
            case (nil, nil): break
            }
            return text
        }

        static func quote(_ text: String) -> String {
            let short = text.count > 80 ? text.prefix(77) + "…" : Substring(text)
            return "\"" + short.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: " ") + "\""
        }
    }

    /// Every change, in workspace order.
    public var changes: [Change]

    /// Whether the versions are the same.
    public var isEmpty: Bool { changes.isEmpty }

    /// Counts of changes by action.
    public var counts: [Change.Action: Int] {
        changes.reduce(into: [:]) { $0[$1.action, default: 0] += 1 }
    }

    /// Compares two workspaces.
    public init(old: Workspace, new: Workspace) {
        var builder = DiffBuilder()
        builder.compare(old, new)
        changes = builder.changes
    }
}
