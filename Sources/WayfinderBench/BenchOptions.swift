/// The command line of `wayfinder-bench`.
struct BenchOptions {
    var workspace = ""
    var db = "wayfinder.db"
    var journey: String?
    var repeats = 5
    var buildRepeats = 3

    static let usage = """
        USAGE: wayfinder-bench --workspace <path> --db <store> [--journey <id>] [--repeat <n>] [--build-repeat <b>]

        Builds the analytics index of the store b times (default 3), reporting the first build
        (with the memory it leaves resident) and the best, then times, best of n runs on a
        monotonic clock, over the first index: the ordered stage funnel, a bare pass summing the index's timestamps
        (the memory floor), paths (directly-follows graph and variants) and conformance (null
        when this build has no conformance). Prints one JSON object.
        """

    /// Parses `arguments` (without the program name); nil after printing help.
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions? {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws(UsageError) -> String {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return value
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "-h", "--help": return nil
            case "--workspace": options.workspace = try value(flag)
            case "--db": options.db = try value(flag)
            case "--journey": options.journey = try value(flag)
            case "--repeat":
                guard let count = Int(try value(flag)), count > 0 else { throw UsageError("--repeat takes a count of at least 1") }
                options.repeats = count
            case "--build-repeat":
                guard let count = Int(try value(flag)), count > 0 else { throw UsageError("--build-repeat takes a count of at least 1") }
                options.buildRepeats = count
            default: throw UsageError("unknown argument '\(flag)'")
            }
        }
        if options.workspace.isEmpty { throw UsageError("--workspace is required") }
        return options
    }
}

/// A command line that cannot run, with what to type instead.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
