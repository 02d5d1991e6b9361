import Foundation
import Synchronization

/// A `wayfinder` process that runs until it is stopped (a server, the demo), its standard output
/// and error collected as they arrive, so that a test can wait for a line and then talk to it.
///
/// ```swift
/// let server = try RunningWayfinder(["serve", "--db", "w.db", "--port", "0"], in: directory.path)
/// #expect(server.waitFor("server listening", on: .error))
/// let stopped = server.stop(SIGTERM)
/// ```
public final class RunningWayfinder {
    /// Standard output or standard error.
    public enum Stream: Sendable { case output, error }

    /// How a stopped process ended, with everything it wrote.
    public struct Ending: Sendable {
        /// The exit status, or the signal that ended it.
        public var status: Int32
        /// Whether it exited by itself (as opposed to dying from a signal).
        public var exited: Bool
        public var output: String
        public var error: String
    }

    /// The bytes read so far, kept whole so that a character split between two reads is decoded once both are in.
    private final class Collected: Sendable {
        let bytes = Mutex<(output: Data, error: Data)>((Data(), Data()))
    }

    private let process = Process()
    private let outputPipe = Pipe(), errorPipe = Pipe()
    private let collected = Collected()
    /// Reader threads that end at end of file, after the process has closed its side.
    private let readers = DispatchGroup()

    /// Starts `wayfinder arguments` in `directory`, with `environment` added to this process's;
    /// with `openFiles`, under that open-file limit (`ulimit -n`), soft and hard.
    public init(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], openFiles: Int? = nil) throws {
        let executable = try WayfinderProcess.executableURL()
        if let openFiles {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFiles) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        for (handle, stream) in [(outputPipe.fileHandleForReading, Stream.output), (errorPipe.fileHandleForReading, .error)] {
            let collected = self.collected
            readers.enter()
            Thread.detachNewThread { [readers] in
                PipeReading.forEachChunk(of: handle) { chunk in
                    collected.bytes.withLock { stream == .output ? $0.output.append(chunk) : $0.error.append(chunk) }
                }
                readers.leave()
            }
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// What it has written to `stream` so far.
    public func text(_ stream: Stream) -> String {
        String(decoding: collected.bytes.withLock { stream == .output ? $0.output : $0.error }, as: UTF8.self)
    }

    /// Waits until `stream` holds `text`; false when the process ended or `seconds` passed first.
    public func waitFor(_ text: String, on stream: Stream, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if self.text(stream).contains(text) { return true }
            if !process.isRunning { return self.text(stream).contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Sends `signal`, waits (at most `seconds`, then kills it) for the process to end, and
    /// returns how it ended with all it wrote.
    public func stop(_ signal: Int32 = SIGTERM, seconds: Double = 60) -> Ending {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        _ = readers.wait(timeout: .now() + 10)
        return Ending(status: process.terminationStatus, exited: process.terminationReason == .exit, output: text(.output), error: text(.error))
    }
}
