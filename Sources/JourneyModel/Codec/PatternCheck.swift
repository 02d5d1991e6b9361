import Foundation

/// Checks globs and regular expressions used in match rules.
public enum PatternCheck {
    /// Why a regular expression does not compile, or nil when it does.
    public static func regexProblem(_ pattern: String) -> String? {
        if pattern.isEmpty { return "the pattern is empty" }
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "'\(pattern.prefix(60))' does not compile (check brackets, parentheses and escapes)"
        }
    }

    /// Why a glob is malformed (an unclosed `[` class or an empty class), or nil when it is fine.
    public static func globProblem(_ glob: String) -> String? {
        var inClass = false
        var classLength = 0
        var escaped = false
        for character in glob {
            if escaped { escaped = false; if inClass { classLength += 1 }; continue }
            if character == "\\" { escaped = true; continue }
            if inClass {
                if character == "]", classLength > 0 { inClass = false } else { classLength += 1 }
            } else if character == "[" {
                inClass = true
                classLength = 0
            }
        }
        if escaped { return "'\(glob.prefix(60))' ends with a lone '\\'" }
        if inClass { return "'\(glob.prefix(60))' has a '[' without its closing ']'" }
        return nil
    }

    /// Whether text uses glob syntax (`*`, `?` or `[`).
    public static func isGlob(_ text: String) -> Bool {
        text.contains("*") || text.contains("?") || text.contains("[")
    }
}
