import Foundation

/// A comment on a journey map, as stored: the body exactly as written (rendering escapes it).
public struct Comment: Sendable, Equatable, Codable, Identifiable {
    /// Unique in the store.
    public var id: Int64
    /// For a reply: the thread's first comment.
    public var parent: Int64?
    /// What it is about (a reply has its thread's target).
    public var target: CommentTarget
    /// Who wrote it.
    public var author: String
    /// The text, verbatim.
    public var body: String
    /// When it was written.
    public var created: Date
    /// The map version that was current when it was written.
    public var mapVersion: Int
}

/// Who did something to a thread, and when.
public struct CommentMark: Sendable, Equatable, Codable {
    /// Who.
    public var by: String
    /// When.
    public var at: Date
}

/// A comment with its replies, oldest first.
public struct CommentThread: Sendable, Equatable, Codable {
    /// The first comment.
    public var comment: Comment
    /// Replies, oldest first.
    public var replies: [Comment]
    /// Who resolved the thread and when; nil while it is open.
    public var resolved: CommentMark?
    /// Who last reopened it and when, if anyone did.
    public var reopened: CommentMark?
    /// Whether the target still exists in the current version of the map.
    public var targetExists: Bool

    /// Whether the thread is resolved.
    public var isResolved: Bool { resolved != nil }
}
