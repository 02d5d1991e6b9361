import Foundation
import JourneyModel

/// A failure of the work, with the message to show and the exit status.
struct CommandFailure: Error {
    var message: String
    var code: Int32 = 1
}

/// Output to the terminal: data on standard output, messages on standard error.
enum Console {
    static let colours = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    /// Writes a line of data. When the reader has gone (`wayfinder customers | head -1`), the
    /// command ends at once, quietly, with the status of a process ended by SIGPIPE, as other
    /// command-line tools do.
    static func out(_ text: String) {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        } catch {
            exit(128 + SIGPIPE)
        }
    }

    /// Writes bytes of data as they are (a rendered file, a CSV), ending as ``out(_:)`` does when the reader has gone.
    static func write(_ data: Data) {
        do { try FileHandle.standardOutput.write(contentsOf: data) } catch { exit(128 + SIGPIPE) }
    }

    /// Writes text to standard error as it is (a progress bar's line); lost when nobody reads it.
    static func status(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }

    /// Writes a line of a message; a standard error nobody reads loses it.
    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func paint(_ text: String, _ code: String) -> String {
        colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Prints diagnostics as `file:line:column: severity: message` with expected and suggestion lines.
    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            var text = diagnostic.formatted
            if colours {
                let label = "\(diagnostic.severity.rawValue):"
                text = text.replacingOccurrences(of: label, with: paint(label, diagnostic.severity == .error ? "1;31" : "1;33"))
            }
            error(text)
        }
    }

    /// "1 error, 2 warnings".
    static func counts(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        return count(errors, "error") + ", " + count(diagnostics.count - errors, "warning")
    }

    /// "1 persona", "2 personas".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
