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
public final class RunningWayfinder: Sendable {
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

    private let process: ChildProcess
    private let collected = Collected()
    /// How the process ended, once it has been waited for.
    private let ending = Mutex<ChildProcess.Ending?>(nil)
    /// Reader threads that end at end of file, after the process has closed its side.
    private let readers = DispatchGroup()

    /// Starts `wayfinder arguments` in `directory`, with `environment` added to this process's;
    /// with `openFiles`, under that open-file limit (`ulimit -n`), soft and hard; with
    /// `heldFiles`, holding that many descriptors (of `/dev/null`, from 10 up) from its start, as
    /// a parent that leaks its files into its children would leave it.
    public init(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], openFiles: Int? = nil,
                heldFiles: Int = 0) throws {
        let executable = try WayfinderProcess.executableURL().path
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if openFiles != nil || heldFiles > 0 {
            var script = openFiles.map { "ulimit -n \($0) && " } ?? ""
            if heldFiles > 0 {
                script += "i=10; while [ $i -lt \(10 + heldFiles) ]; do eval \"exec $i</dev/null\" || exit 111; i=$((i + 1)); done; "
            }
            process = try ChildProcess("/bin/bash", ["-c", script + "exec \"$0\" \"$@\"", executable] + arguments,
                                       environment: variables, directory: directory)
        } else {
            process = try ChildProcess(executable, arguments, environment: variables, directory: directory)
        }
        for (handle, stream) in [(process.output, Stream.output), (process.error, .error)] {
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
        if ending.withLock({ $0 == nil }) {
            process.send(SIGKILL)
            _ = process.wait()
        }
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
            if !isRunning { return self.text(stream).contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Sends `signal`, waits (at most `seconds`, then kills it) for the process to end, and
    /// returns how it ended with all it wrote.
    public func stop(_ signal: Int32 = SIGTERM, seconds: Double = 60) -> Ending {
        if isRunning { process.send(signal) }
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if isRunning { process.send(SIGKILL) }
        let ended = ending.withLock { ended in
            if ended == nil { ended = process.wait() }
            return ended!
        }
        _ = readers.wait(timeout: .now() + 10)
        return Ending(status: ended.status, exited: !ended.signalled, output: text(.output), error: text(.error))
    }

    /// Whether the process is still running.
    private var isRunning: Bool { ending.withLock { $0 == nil } && process.isRunning }
}
