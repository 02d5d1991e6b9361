import Foundation

/// How the user runs this program, for the commands the CLI suggests: `wayfinder` when the
/// `wayfinder` found on PATH is this very program (scripts/install.sh put it there), `swift run
/// wayfinder` when it was built by SwiftPM in the package the user is in, and its own path
/// otherwise, so that every suggested command works where the user is.
enum Invocation {
    static let command = resolve(executable: executablePath(), searchPath: ProcessInfo.processInfo.environment["PATH"],
                                 directory: FileManager.default.currentDirectoryPath)

    /// The command for `executable` (a resolved path), given PATH and the working directory.
    static func resolve(executable: String, searchPath: String?, directory: String) -> String {
        let real = realPath(executable)
        // The first wayfinder PATH finds is what the shell runs: this program only if it is this one.
        for folder in (searchPath ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = String(folder) + "/wayfinder"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            if realPath(candidate) == real { return "wayfinder" }
            break
        }
        let package = realPath(directory)
        let built = real.range(of: "/.build")
        if let built, real[..<built.lowerBound] == package, FileManager.default.fileExists(atPath: package + "/Package.swift") {
            return "swift run wayfinder"
        }
        return quoted(real)
    }

    /// `text` as one shell word: unchanged when it needs no quotes, else in single quotes.
    static func quoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-+:@%=,".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? "wayfinder"
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
