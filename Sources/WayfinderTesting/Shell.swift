import Foundation

/// A bash script run for a test, waited for without holding a thread of Swift's cooperative
/// pool (its few threads run the other tests meanwhile).
public enum Shell {
    /// What the script printed on standard output, once it has ended.
    public static func run(_ script: String, in directory: String) async throws -> String {
        let output = URL(fileURLWithPath: directory).appendingPathComponent("shell-\(UUID().uuidString).out")
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = try FileHandle(forWritingTo: output)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume() }
        }
        return String(decoding: (try? Data(contentsOf: output)) ?? Data(), as: UTF8.self)
    }
}
