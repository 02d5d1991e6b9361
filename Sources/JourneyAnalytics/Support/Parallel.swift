import Dispatch
import Synchronization

/// Runs work over customer ranges on both cores and collects one partial result per range.
enum Parallel {
    /// Threads analyses use.
    static let threads = 2

    /// Splits `0..<count` into `parts` contiguous ranges (fewer when `count` is small).
    static func ranges(_ count: Int, parts: Int = threads) -> [Range<Int>] {
        let parts = count < 4_096 ? 1 : max(1, parts)
        return (0..<parts).map { part in count * part / parts ..< count * (part + 1) / parts }
    }

    /// `body` applied to each of `0..<count` on both cores, in order (for a few large independent jobs).
    static func each<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let results = Mutex<[Int: T]>([:])
        DispatchQueue.concurrentPerform(iterations: count) { item in
            let value = body(item)
            results.withLock { $0[item] = value }
        }
        return results.withLock { results in (0..<count).map { results[$0]! } }
    }

    /// `body` applied to each range of `0..<count`, in range order.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Range<Int>) -> T) -> [T] {
        let ranges = ranges(count)
        if ranges.count == 1 { return [body(ranges[0])] }
        let results = Mutex<[Int: T]>([:])
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            let value = body(ranges[part])
            results.withLock { $0[part] = value }
        }
        return results.withLock { results in ranges.indices.map { results[$0]! } }
    }
}
