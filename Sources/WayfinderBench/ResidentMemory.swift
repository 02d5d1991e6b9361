import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory, from Linux's /proc/self/status.
enum ResidentMemory {
    /// VmRSS in bytes, or nil where /proc is not available.
    static func bytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// VmRSS in bytes after handing the allocator's free memory back to the system (glibc's
    /// `malloc_trim`): what stays resident of the index once the build's garbage is gone.
    static func bytesAfterTrim() -> Int? {
        #if canImport(Glibc)
        // malloc.h is not in the Glibc module; look the function up (RTLD_DEFAULT is a null handle).
        if let symbol = dlsym(nil, "malloc_trim") {
            typealias Trim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
        return bytes()
    }
}
