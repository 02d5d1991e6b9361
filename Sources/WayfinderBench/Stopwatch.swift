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

    /// The fastest of `repeats` runs of each of `first` and `second`, run in turn, so that both
    /// meet the same moments of a shared machine; and the last runs' results.
    static func best<A, B>(of repeats: Int, alternating first: () throws -> A, _ second: () throws -> B) rethrows
        -> (first: (seconds: Double, result: A), second: (seconds: Double, result: B)) {
        var fastest = (Double.infinity, Double.infinity)
        var results: (A?, B?) = (nil, nil)
        for _ in 0..<repeats {
            fastest.0 = min(fastest.0, try seconds { results.0 = try first() })
            fastest.1 = min(fastest.1, try seconds { results.1 = try second() })
        }
        return ((fastest.0, results.0!), (fastest.1, results.1!))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
