import Dispatch
import JourneyAnalytics
import Synchronization

/// One pass over the index's timestamps that only sums them: the memory floor of any analysis.
enum BarePass {
    /// The wrapping sum of every timestamp, read on `threads` threads as the analyses do.
    @inline(never)
    static func sum(_ index: JourneyIndex, threads: Int) -> Int64 {
        let timestamps = index.timestamps
        let count = timestamps.count
        let parts = max(1, threads)
        let total = Atomic<Int64>(0)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = count * part / parts ..< count * (part + 1) / parts
            let partial = timestamps.withUnsafeBufferPointer { buffer in
                var sum: Int64 = 0
                for position in range { sum &+= buffer[position] }
                return sum
            }
            total.wrappingAdd(partial, ordering: .relaxed)
        }
        return total.load(ordering: .relaxed)
    }
}
