/// Best-of-n timing on the monotonic clock.
enum Stopwatch {
    /// Seconds `body` took.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        try body()
        return (clock.now - started).seconds
    }

    /// The fastest of `repeats` runs of `body`, and the last run's result.
    static func best<T>(of repeats: Int, _ body: () throws -> T) rethrows -> (seconds: Double, result: T) {
        var fastest = Double.infinity
        var result: T?
        for _ in 0..<repeats {
            let seconds = try seconds { result = try body() }
            fastest = min(fastest, seconds)
        }
        return (fastest, result!)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
