import Foundation

/// A bash script run for a test, waited for without holding a thread of Swift's cooperative
/// pool (its few threads run the other tests meanwhile).
public enum Shell {
    /// What the script printed on standard output, once it has ended.
    public static func run(_ script: String, in directory: String) async throws -> String {
        // Foundation's `Process` crashes now and then in `run()` (see ``ChildProcess``).
        try await ChildProcess.runOffPool("/bin/bash", ["-c", script], directory: directory).text
    }
}
