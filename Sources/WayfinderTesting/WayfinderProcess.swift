import Dispatch
import Foundation

/// Runs the built `wayfinder` executable and captures what it prints.
///
/// The binary is looked up beside the test runner (the products folder that
/// `swift build` and `swift test` fill), so the tests exercise exactly what
/// was just built. Set `WAYFINDER_BINARY` to test another build.
public enum WayfinderProcess {
    /// What one run of the executable produced.
    public struct Output: Sendable, CustomStringConvertible {
        /// The exit status, or the signal number plus 128 when a signal ended the process.
        public var status: Int32
        /// Everything written to standard output, decoded as UTF-8.
        public var stdout: String
        /// Everything written to standard error, decoded as UTF-8.
        public var stderr: String
        /// Whether a signal (a crash, a trap) ended the process instead of an exit call.
        public var wasSignalled: Bool

        /// Whether standard error shows the marks of a Swift runtime crash.
        public var hasCrashMarks: Bool {
            let marks = ["Fatal error", "Stack dump", "Current stack trace", "Program crashed"]
            return wasSignalled || marks.contains { stderr.contains($0) || stdout.contains($0) }
        }

        /// The standard error lines (ended by LF or CRLF), without the trailing empty line.
        public var stderrLines: [String] { Self.lines(stderr) }
        /// The standard output lines (ended by LF or CRLF, as CSV is), without the trailing empty line.
        public var stdoutLines: [String] { Self.lines(stdout) }

        /// Status and both streams, for test failure messages.
        public var description: String {
            "status \(status)\(wasSignalled ? " (signal)" : "")\n--- stdout (\(stdout.utf8.count) bytes)\n\(stdout.prefix(4000))\n--- stderr (\(stderr.utf8.count) bytes)\n\(stderr.prefix(4000))"
        }

        private static func lines(_ text: String) -> [String] {
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return lines
        }
    }

    /// Why the executable could not be run.
    public struct LaunchError: Error, CustomStringConvertible {
        /// What went wrong, with the places searched.
        public var description: String
    }

    /// Runs `wayfinder` with `arguments` in `directory` (default: the current folder) and waits for it to exit.
    ///
    /// Standard input is empty; standard output and standard error are read
    /// concurrently, so a large output on either cannot fill a pipe and block
    /// the child. `NO_COLOR=1` is set; `environment` adds or replaces variables.
    public static func run(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) async throws -> Output {
        var variables = ProcessInfo.processInfo.environment
        variables["NO_COLOR"] = "1"
        variables["TERM"] = "dumb"
        variables.merge(environment) { _, new in new }
        let run = try await ChildProcess.runOffPool(try executableURL().path, arguments, environment: variables, directory: directory)
        return Output(
            status: run.ending.status + (run.ending.signalled ? 128 : 0),
            stdout: String(decoding: run.output, as: UTF8.self),
            stderr: String(decoding: run.error, as: UTF8.self),
            wasSignalled: run.ending.signalled)
    }

    /// The `wayfinder` executable: `WAYFINDER_BINARY`, else beside the test runner, else `<package>/.build/debug/wayfinder`.
    public static func executableURL() throws -> URL {
        let candidates = candidateFolders().map { $0.appendingPathComponent("wayfinder") }
        if let found = candidates.first(where: { isExecutableFile($0.path) }) { return found }
        throw LaunchError(description: "the wayfinder executable was not found; build it with 'swift build' first. Looked at:\n"
            + candidates.map { "  \($0.path)" }.joined(separator: "\n"))
    }

    /// The folders that may hold the built products, best first.
    static func candidateFolders() -> [URL] {
        var folders: [URL] = []
        if let override = ProcessInfo.processInfo.environment["WAYFINDER_BINARY"], !override.isEmpty {
            return [URL(fileURLWithPath: override).deletingLastPathComponent()]
        }
        // On Linux the test runner is an executable `<products>/<Package>PackageTests.xctest`.
        if let runner = CommandLine.arguments.first, runner.contains("/") {
            folders.append(URL(fileURLWithPath: runner).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL {
            folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        // On macOS the tests are a `.xctest` bundle inside the products folder, loaded by a helper tool.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        let root = packageRoot()
        folders.append(root.appendingPathComponent(".build/debug"))
        folders.append(root.appendingPathComponent(".build/release"))
        var seen = Set<String>()
        return folders.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The package root: the nearest folder above this source file that holds `Package.swift`.
    public static func packageRoot(from file: String = #filePath) -> URL {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) { return folder }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }
}
