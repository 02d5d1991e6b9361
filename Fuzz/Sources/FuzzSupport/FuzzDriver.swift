import CFuzzDriver
import Foundation

/// Starts libFuzzer over a harness's `LLVMFuzzerTestOneInput`.
///
/// SwiftPM links an executable's `main` to the module's own entry point, so libFuzzer's `main`
/// is never used: each harness's top-level code calls ``run(_:)``, which hands the process's
/// arguments (libFuzzer's options, corpus folders, or inputs to replay) to libFuzzer's driver.
public enum FuzzDriver {
    /// The C signature of `LLVMFuzzerTestOneInput`.
    public typealias Test = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer with the process's arguments and exits with its status.
    public static func run(_ test: Test) -> Never {
        exit(wayfinder_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, test))
    }

    /// The input as an array (libFuzzer may pass a null pointer for an empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// Stops the process with `message` when an invariant does not hold, so that libFuzzer records
/// the input as a crash. A thrown error or a refused input is never such a failure.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("invariant broken: \(message())", file: file, line: line) }
}
