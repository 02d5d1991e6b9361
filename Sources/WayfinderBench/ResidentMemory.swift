import Foundation
import JourneyAnalytics

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
        FreeMemory.returnToSystem()
        return bytes()
    }
}
