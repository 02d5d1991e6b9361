import Foundation
import JourneyModel

/// Checks of the plain fields of requests: ids, names, authors, messages and comment bodies.
///
/// Text is stored verbatim (no trimming, no escaping); only its emptiness, length and the NUL
/// character, which SQLite text cannot carry through GRDB, are checked.
enum FieldRules {
    static let maximumName = 200
    static let maximumAuthor = 200
    static let maximumDescription = 10_000
    static let maximumMessage = 2_000
    static let maximumBody = 20_000

    /// An id of a workspace, persona or map: lower-case letters, digits and single hyphens.
    static func id(_ text: String, field: String = "id", of what: String) throws(WorkspaceStoreError) {
        guard !IDRules.isValid(text) else { return }
        let shown = text.count > 60 ? String(text.prefix(57)) + "…" : text
        var message = "\(field): '\(shown)' is not a valid \(what) id; use lower-case letters, digits and single hyphens (at most 128)"
        if let suggestion = IDRules.suggestion(for: text), suggestion != text { message += ", such as '\(suggestion)'" }
        throw .invalid(field, message)
    }

    /// Text that must not be blank.
    static func required(_ text: String, field: String, what: String, maximum: Int) throws(WorkspaceStoreError) -> String {
        guard !text.allSatisfy(\.isWhitespace) else { throw .invalid(field, "\(field): \(what) is empty; give \(what)") }
        return try optional(text, field: field, maximum: maximum)!
    }

    /// Text that may be absent; empty text counts as absent.
    static func optional(_ text: String?, field: String, maximum: Int) throws(WorkspaceStoreError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        let count = text.count
        if count > maximum {
            throw .invalid(field, "\(field): \(count) characters; at most \(maximum) are allowed, so shorten it")
        }
        if text.unicodeScalars.contains("\u{0}") {
            throw .invalid(field, "\(field): contains the NUL character (U+0000), which cannot be stored; remove it")
        }
        return text
    }
}

/// Times as stored: milliseconds since 1970.
/// Times as the store keeps them: milliseconds since 1970.
public enum StoreTime {
    /// Now.
    public static func now() -> Int64 { milliseconds(Date()) }
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

extension Array where Element == String {
    /// `'a', 'b', 'c'`, or the first few and how many more.
    func quotedList(limit: Int = 8) -> String {
        let shown = prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
        return count > limit ? shown + " and \(count - limit) more" : shown
    }
}
