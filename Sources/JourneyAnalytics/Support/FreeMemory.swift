#if canImport(Glibc)
import Glibc
#endif

/// Hands the allocator's free memory back to the system.
public enum FreeMemory {
    /// Calls glibc's `malloc_trim(0)` where there is one: after an index build, the build's
    /// temporary columns are free but stay resident in the allocator's arenas until trimmed.
    public static func returnToSystem() {
        #if canImport(Glibc)
        // malloc.h is not in the Glibc module; look the function up (RTLD_DEFAULT is a null handle).
        if let symbol = dlsym(nil, "malloc_trim") {
            typealias Trim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        }
        #endif
    }
}
