import JourneyAnalytics
import JourneyModel

/// Analyses computed on the ClickHouse cluster itself, returning only aggregates: the shards
/// classify their events with the map's rules, evaluate each stitched customer where the
/// customer's rows live, and send back counts.
///
/// Classification stays the in-process engine's: events are grouped by (type, name, channel)
/// key, and the events of keys whose rules test message values also by those values; each group
/// is classified once by ``SignatureClassifier``, and the answers go into the query as a
/// `transform` of the group's hash. Each shard then groups its events by customer (the
/// `Distributed` table with `distributed_group_by_no_merge`, so no customer's events leave the
/// shard), orders them by time and arrival, and computes the customer's furthest step and step
/// times with array functions that exist in ClickHouse 18.16.
///
/// What is pushed down (``FunnelPushdown`` says when): the stage and touchpoint funnel in all
/// three modes, with the times between steps, without filters, breakdowns or date ranges.
/// Everything else runs in the in-process engine, whose index is built from the events the
/// shards classify with the same signatures, with the values property filters and breakdowns
/// read (``ClickHouseWorkspaceData/classifiedEvents(journey:since:properties:)``).
public struct ClickHouseAnalytics: Sendable {
    public let data: ClickHouseWorkspaceData
    /// Most signatures of message-decided keys the cluster is asked to send back; past it the
    /// in-process engine classifies the events itself.
    public let maximumSignatures: Int

    public init(_ data: ClickHouseWorkspaceData, maximumSignatures: Int = 20_000) {
        self.data = data
        self.maximumSignatures = max(1, maximumSignatures)
    }

    var client: ClickHouseClient { data.client }
    var table: String { "\(data.database).events" }

    /// The output of `query` on `journey` computed on the cluster, or nil when the in-process
    /// engine must compute it (build an index from ``data`` then).
    public func run(_ query: AnalysisQuery, journey: JourneyMap) throws -> AnalysisOutput? {
        guard let funnel = try FunnelPushdown(query, journey: journey) else { return nil }
        var scope = "workspace = \(data.literal)"
        if let since = funnel.since { scope += " AND timestamp >= \(since)" }
        guard let classes = try classify(journey: journey, scope: scope, code: { touchpoint in
            guard touchpoint >= 0 else { return -1 }
            let bits = funnel.stepBits[touchpoint]
            // A strict funnel's code is the step, or the number of steps for a classified event
            // that is no step (it still breaks a chain); the others' are the steps' bits.
            return funnel.mode == .strict ? Int64(bits == 0 ? funnel.steps : bits.trailingZeroBitCount) : Int64(bitPattern: bits)
        }) else { return nil }
        let customers = try Int(client.value("SELECT count() FROM \(data.database).customers WHERE workspace = \(data.literal) AND merged_into = 0")) ?? 0
        var considered = 0
        var furthest = [Int](repeating: 0, count: funnel.steps)
        var gaps = [[Int64]](repeating: [], count: funnel.steps)
        var total: [Int64] = [], complete: [Int64] = []
        if !classes.signatures.isEmpty {
            // The inner query runs on every shard whole (each customer's rows are on one shard) and
            // sends one array per customer with a classified event: the furthest step, then with
            // step times the milliseconds between the steps of the customer's chain. The
            // initiator counts (kind, value) pairs: 0 the step, k the time into step k, -1 the time
            // from the first to the furthest step, -3 that time again when the furthest is the last
            // (-2 marks no such time, and is left out). (The code in the filter and in the array is one
            // expression, which ClickHouse computes once.)
            let trace = "arraySort(x -> (x.1, x.2), groupArray((timestamp, seq, \(classes.code))))"
            let customer = Self.bind("tr", trace, Self.bind("t", Self.relativeTimes("tr"), Self.bind("c", "arrayMap(x -> x.3, tr)",
                Self.bind("ix", "arrayEnumerate(tr)", Self.customer(funnel)))))
            let answer = try client.execute("""
                SELECT x.1, x.2, count() FROM (
                    SELECT \(customer) AS r FROM \(table) WHERE \(scope) AND \(classes.classified) GROUP BY root
                ) ARRAY JOIN arrayConcat([(toInt64(0), r[1])],
                    arrayMap((g, k) -> (toInt64(k), g), arrayPopFront(r), arrayEnumerate(arrayPopFront(r))),
                    [(if(length(r) > 1, toInt64(-1), toInt64(-2)), arraySum(arrayPopFront(r)))],
                    [(if(length(r) > 1 AND r[1] = \(funnel.steps), toInt64(-3), toInt64(-2)), arraySum(arrayPopFront(r)))]) AS x
                WHERE x.1 != -2
                GROUP BY x.1, x.2 FORMAT TabSeparated
                """, settings: Self.settings.merging(["distributed_group_by_no_merge": "1"]) { $1 })
            for line in String(decoding: answer, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: "\t")
                // A step time goes into step 1…steps − 1, and no count exceeds the customers.
                guard fields.count == 3, let kind = Int(fields[0]), let value = Int64(fields[1]), let count = Int(fields[2]),
                      (1...max(1, customers)).contains(count), (-3..<funnel.steps).contains(kind) else {
                    throw ClickHouseError.unexpected("\(client.url): the funnel's answer has a row '\(line.prefix(80))' that is not a kind, a value and a count")
                }
                switch kind {
                case 0:
                    guard (0...Int64(funnel.steps)).contains(value) else {
                        throw ClickHouseError.unexpected("\(client.url): the funnel's answer has a step \(value) of \(funnel.steps)")
                    }
                    considered += count
                    if value > 0 { furthest[Int(value) - 1] += count }
                case -1: total += repeatElement(value, count: count)
                case -3: complete += repeatElement(value, count: count)
                case -2: break
                default: gaps[kind] += repeatElement(value, count: count)
                }
            }
        }
        // The customers with events are those with a classified one: each has a level.
        let summary = IndexSummary(journey: journey, signatures: classes.signatures, customers: customers, customersWithEvents: considered)
        return funnel.output(summary: summary, considered: considered, furthest: furthest, gaps: funnel.needsTimes ? gaps : [], total: funnel.needsTimes ? total : [],
                             complete: funnel.needsTimes ? complete : [])
    }

    /// How the cluster classifies events: the SQL of each event's code (a `transform` of its
    /// signature's hash) and of the test that it is classified, and the events per signature.
    struct Classes {
        var code: String
        var classified: String
        var signatures: [SignatureCount]
    }

    /// Classifies the events in `scope`; `code` gives the code of a touchpoint index (-1 for
    /// unclassified). Nil when two signatures share a hash but not a code, or when rules test
    /// values with more than ``maximumSignatures`` variants.
    ///
    /// Most (type, name, channel) keys decide their touchpoint alone; only the events of keys
    /// whose rules test message values are grouped by those values too, so the lists that go
    /// into the query stay short and the values are read for those events only.
    func classify(journey: JourneyMap, scope: String, code: (Int) -> Int64) throws -> Classes? {
        var classifier = SignatureClassifier(journey: journey)
        let paths = classifier.messagePaths
        let keyHash = "cityHash64(type, name, channel)"
        let keys = try client.execute("""
            SELECT type, name, channel, count(), \(keyHash) FROM \(table) WHERE \(scope) GROUP BY type, name, channel FORMAT RowBinary
            """, settings: Self.settings)
        var signatures: [SignatureCount] = []
        var decided: [UInt64: Int64] = [:]
        // The keys the message decides, each with the paths its rules read.
        var undecided: [(hash: UInt64, paths: [Int])] = []
        try keys.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd {
                let type = Array(try reader.string()), name = Array(try reader.string()), channel = Array(try reader.string())
                let events = Int(try reader.int64()), hash = UInt64(bitPattern: try reader.int64())
                let decision = classifier.decision(type: type, name: name, channel: channel)
                guard let touchpoint = decision.touchpoint else {
                    undecided.append((hash, Array(Set(decision.paths)).sorted()))
                    continue
                }
                decided[hash] = code(touchpoint)
                signatures.append(SignatureCount(type: String(decoding: type, as: UTF8.self), name: String(decoding: name, as: UTF8.self),
                                                 channel: String(decoding: channel, as: UTF8.self), touchpoint: touchpoint, events: events))
            }
        }
        var expression = Self.transform(keyHash, decided)
        guard !undecided.isEmpty else {
            return Classes(code: expression, classified: "\(expression) >= 0", signatures: signatures)
        }
        // The events of keys the message decides, by the values their own rules read: each
        // event's key gives the list of its paths, and only those values are looked up (an event
        // of a key decided alone looks up none).
        // A path holding a separator cannot be listed (no key a message writes does).
        let separators: Set<UInt8> = [Self.valueSeparator, Self.listSeparator]
        guard paths.allSatisfy({ !MessageLeaves.path($0).utf8.contains(where: separators.contains) }) else { return nil }
        let pathsOfKey = Dictionary(undecided.map { ($0.hash, $0.paths) }, uniquingKeysWith: { first, _ in first })
        let (values, valueCount) = Self.signatureValues(keyHash: keyHash, undecided: undecided, paths: paths, uses: classifier.pathUses)
        let signatureHash = "cityHash64(type, name, channel, \(values))"
        let undecidedKeys = "has(\(Self.list(undecided.map { String($0.hash) }.sorted(), as: "UInt64")), \(keyHash))"
        let answer = try client.execute("""
            SELECT type, name, channel, \(values) AS vs, count(), \(keyHash), \(signatureHash)
            FROM \(table) WHERE \(scope) AND \(undecidedKeys)
            GROUP BY type, name, channel, vs LIMIT \(maximumSignatures + 1) FORMAT RowBinary
            """, settings: Self.settings)
        var codes: [UInt64: Int64] = [:]
        var collided = false, tooMany = false
        try answer.withUnsafeBufferPointer { bytes throws(ClickHouseError) in
            var reader = RowBinaryReader(bytes)
            while !reader.isAtEnd {
                let type = Array(try reader.string()), name = Array(try reader.string()), channel = Array(try reader.string())
                let joined = try reader.string()
                let events = Int(try reader.int64()), key = UInt64(bitPattern: try reader.int64()), hash = UInt64(bitPattern: try reader.int64())
                // Values with as many variants as ids make too many signatures to send back; the
                // engine classifies those events itself then.
                guard codes.count < maximumSignatures else { tooMany = true; return }
                let read = pathsOfKey[key] ?? []
                let parts = joined.split(separator: Self.valueSeparator, omittingEmptySubsequences: false)
                // Every event carries as many values; any other count is no answer to trust.
                guard parts.count == valueCount else { collided = true; return }
                var texts = [[[UInt8]]](repeating: [], count: paths.count)
                for (path, text) in zip(read, parts) where !text.isEmpty { texts[path] = [Array(text)] }
                let touchpoint = classifier.classify(type: type, name: name, channel: channel, values: texts)
                let value = code(touchpoint)
                if let known = codes[hash], known != value { collided = true }
                codes[hash] = value
                signatures.append(SignatureCount(type: String(decoding: type, as: UTF8.self), name: String(decoding: name, as: UTF8.self),
                                                 channel: String(decoding: channel, as: UTF8.self), touchpoint: touchpoint, events: events))
            }
        }
        guard !collided, !tooMany else { return nil }
        expression = "if(\(undecidedKeys), \(Self.transform(signatureHash, codes)), \(expression))"
        return Classes(code: expression, classified: "\(expression) >= 0", signatures: signatures)
    }

    /// Between the values of one event's signature: a control character, which the JSON text of
    /// a stored value never holds unescaped.
    static let valueSeparator: UInt8 = 0x1E
    /// Between the path lists of the keys in a statement.
    static let listSeparator: UInt8 = 0x1D

    /// The SQL of an event's signature values, joined by ``valueSeparator``, and how many there
    /// are: for an event of an `undecided` key, the values at the paths that key's rules read, in
    /// the key's order (and empty texts up to the longest list); for the other events empty texts.
    ///
    /// The k-th path of the event's key is a `transform` of the key's hash, so an event looks up
    /// only as many paths as a key reads at most, not every path of every key. (ClickHouse 18.16
    /// does not let a lambda name a column of the row, so the lists cannot be mapped.)
    static func signatureValues(keyHash: String, undecided: [(hash: UInt64, paths: [Int])], paths: [[String]], uses: [MessagePathUse]) -> (sql: String, count: Int) {
        let sorted = undecided.sorted { $0.hash < $1.hash }
        let hashes = list(sorted.map { String($0.hash) }, as: "UInt64")
        let longest = max(1, sorted.map(\.paths.count).max() ?? 1)
        let listSeparator = String(UnicodeScalar(Self.listSeparator))
        let values = (0..<longest).map { position in
            let names = sorted.map { $0.paths.count > position ? MessageLeaves.path(paths[$0.paths[position]]) : "" }
            let path = "transform(\(keyHash), \(hashes), splitByChar(\(ClickHouseSQL.string(listSeparator)), "
                + "\(ClickHouseSQL.string(names.joined(separator: listSeparator)))), '')"
            let value = "prop_values[indexOf(prop_paths, \(path))]"
            // Its stand-in where the path's rules use less of it.
            let special = Set(sorted.compactMap { $0.paths.count > position ? $0.paths[position] : nil }).sorted().filter { uses[$0] != .text }
            guard !special.isEmpty else { return value }
            let cases = special.map { "\(path) = \(ClickHouseSQL.string(MessageLeaves.path(paths[$0]))), \(signatureValue(uses[$0], of: value))" }
            return "multiIf(\(cases.joined(separator: ", ")), \(value))"
        }
        return ("arrayStringConcat([\(values.joined(separator: ", "))], \(ClickHouseSQL.string(String(UnicodeScalar(valueSeparator)))))", longest)
    }

    /// The SQL of the stand-in for `value`, the JSON text at a message path (empty where there
    /// is none, `{}` for an object), that the rules answer alike for (``MessagePathUse``): `true`
    /// for any value but null on a path only tested for presence; on a path only compared with
    /// bounds, the stand-in of the number's range for a plain number that is not within a
    /// billionth of a bound (a number that near one is sent as it is, so ClickHouse's parse never
    /// decides); the value itself otherwise.
    static func signatureValue(_ use: MessagePathUse, of value: String) -> String {
        switch use {
        case .presence:
            return "multiIf(\(value) = '', '', \(value) = 'null', 'null', 'true')"
        case .bounds(let bounds):
            // The number is written out at each use: ClickHouse computes an expression written
            // twice once, and a lambda cannot name the row's columns the value is read from.
            let number = "toFloat64OrZero(\(value))"
            let bounds = bounds.map { "toFloat64(\(ClickHouseSQL.string("\($0)")))" }
            let standIns = use.standIns.map(ClickHouseSQL.string)
            let near = bounds.map { "abs(\(number) - \($0)) <= abs(\($0)) * 1e-9" }.joined(separator: " OR ")
            let range = "multiIf(" + zip(bounds, standIns).map { "\(number) < \($0), \($1), " }.joined() + standIns[standIns.count - 1] + ")"
            let plain = ClickHouseSQL.string("^-?[0-9]{1,15}(\\.[0-9]{1,15})?$")
            return "if(match(\(value), \(plain)) AND NOT (\(near)), \(range), \(value))"
        case .text:
            return value
        }
    }

    /// Settings of the analyses' statements: room for the lists of signatures.
    static let settings = ["max_query_size": "67108864"]

    /// `hash` mapped to its code, -1 for hashes not listed.
    static func transform(_ hash: String, _ codes: [UInt64: Int64]) -> String {
        let mapped = codes.filter { $0.value != -1 }.sorted { $0.key < $1.key }
        guard !mapped.isEmpty else { return "toInt64(-1)" }
        return "transform(\(hash), \(list(mapped.map { String($0.key) }, as: "UInt64")), \(list(mapped.map { String($0.value) }, as: "Int64")), toInt64(-1))"
    }

    /// A constant array of numbers: one string, which ClickHouse 18.16 parses at once (it parses
    /// a long array literal element by element on every server).
    static func list(_ numbers: [String], as type: String) -> String {
        "CAST(splitByChar(',', '\(numbers.joined(separator: ","))') AS Array(\(type)))"
    }

    /// `body` with `name` standing for the value of `value`: a lambda applied to it, so that
    /// ClickHouse computes it once (an alias would be copied into every place that names it).
    static func bind(_ name: String, _ value: String, _ body: String) -> String {
        "arrayMap(\(name) -> \(body), [\(value)])[1]"
    }

    /// At each event, the value of `values` at the last event up to it (`inclusive`) or before it
    /// where `mask` is set, or 0 when there is none; the masked values must not decrease.
    ///
    /// Lambdas here take array elements only: a lambda that names a whole array of the row
    /// makes ClickHouse copy that array once per element, which is quadratic in a customer's
    /// events. So the masked values' increments are merged with one placeholder per event in
    /// position order, and a running sum read at the placeholders fills them forward. The merge
    /// sorts numbers by numbers (position × 2 + kind, unique), which ClickHouse does much faster
    /// than tuples.
    static func forwardFill(_ values: String, mask: String, inclusive: Bool) -> String {
        let (valueKind, placeholderKind) = inclusive ? (0, 1) : (1, 0)
        let increments = "arrayPopFront(arrayDifference(arrayPushFront(arrayFilter((v, m) -> m, \(values), \(mask)), toInt64(0))))"
        let keys = "arrayConcat(arrayMap(p -> toUInt64(p) * 2 + \(valueKind), arrayFilter((i, m) -> m, ix, \(mask))), arrayMap(i -> toUInt64(i) * 2 + \(placeholderKind), ix))"
        let amounts = "arrayConcat(\(increments), arrayMap(i -> toInt64(0), ix))"
        return bind("keys", keys, """
            arrayFilter((s, k) -> k % 2 = \(placeholderKind), arrayCumSum(arraySort((d, k) -> k, \(amounts), keys)), arraySort(keys))
            """)
    }

    /// The times of the customer's events `trace` (sorted (time, sequence, code) tuples) counted
    /// from 1 at the first: only differences of times matter, and a time filled forward is 0
    /// exactly where no event was there to fill it.
    static func relativeTimes(_ trace: String) -> String {
        "arrayMap(d -> d + 1, arrayCumSum(arrayDifference(arrayMap(x -> x.1, \(trace)))))"
    }

    /// A customer's furthest step and, with step times, the milliseconds between the steps of
    /// their chain, as an `Array(Int64)`; the customer's classified events are `t` (times from 1
    /// at the first, ``relativeTimes(_:)``), `c` (codes) and `ix` (1…n), in order.
    static func customer(_ funnel: FunnelPushdown) -> String {
        let steps = funnel.steps, window = funnel.window
        var bindings: [(String, String)] = []
        var result: String
        switch funnel.mode {
        case .ordered:
            // s_k[j]: the latest start of a chain of steps 0…k ending at event j (valid when ok_k[j]).
            // For an event of step k it is the start of the last valid chain of steps 0…k − 1 before
            // it; those starts never decrease, so they fill forward (0 where no chain ends before).
            bindings.append(("ok0", "arrayMap(x -> bitTest(x, 0), c)"))
            bindings.append(("s0", "t"))
            for k in 1..<max(1, steps) where steps > 1 {
                let previous = k - 1
                bindings.append(("s\(k)", forwardFill("s\(previous)", mask: "ok\(previous)", inclusive: false)))
                bindings.append(("ok\(k)", "arrayMap((x, time, start) -> bitTest(x, \(k)) AND start > 0 AND time - start <= \(window), c, t, s\(k))"))
            }
            var level = "0"
            for k in 0..<steps { level = "if(has(ok\(k), 1), \(k + 1), \(level))" }
            bindings.append(("L", "toInt64(\(level))"))
            result = "[L]"
            if funnel.needsTimes, steps > 1 {
                // The chain: the first event completing the furthest step, the latest start of a
                // chain ending there (its first event of that time), then each step's first event.
                bindings.append(("E", "multiIf(\((0..<steps).map { "L = \($0 + 1), arrayFirstIndex(o -> o, ok\($0))" }.joined(separator: ", ")), toUInt32(0))"))
                bindings.append(("S", "multiIf(\((0..<steps).map { "L = \($0 + 1), s\($0)[E]" }.joined(separator: ", ")), toInt64(0))"))
                bindings.append(("g0", "arrayFirstIndex((x, time) -> bitTest(x, 0) AND time = S, c, t)"))
                for k in 1..<steps {
                    bindings.append(("g\(k)", "arrayFirstIndex((x, i) -> bitTest(x, \(k)) AND i > g\(k - 1), c, ix)"))
                }
                let gaps = (1..<steps).map { "t[g\($0)] - t[g\($0 - 1)]" }.joined(separator: ", ")
                result = "arrayConcat([L], arraySlice([\(gaps)], 1, greatest(L - 1, 0)))"
            }
        case .strict:
            // Event j ends a chain of c[j] + 1 steps when it and the c[j] events before it are steps
            // 0…c[j], one after another: a run of codes that each add one, started by step 0 at most
            // the window before. Within a run only its first event can be step 0.
            bindings.append(("previous", "arrayPopBack(arrayPushFront(c, toInt64(-2)))"))
            bindings.append(("starts", "arrayMap((x, before) -> NOT (x >= 1 AND x < \(steps) AND x = before + 1), c, previous)"))
            bindings.append(("runFrom", forwardFill("arrayMap(i -> toInt64(i), ix)", mask: "starts", inclusive: true)))
            bindings.append(("runCode", forwardFill("arrayMap(i -> toInt64(i), ix)", mask: "arrayMap((s, x) -> s AND x = 0, starts, c)", inclusive: true)))
            bindings.append(("runTime", forwardFill("t", mask: "starts", inclusive: true)))
            bindings.append(("reached", """
                arrayMap((i, x, from, zero, time, begun) -> if(x < \(steps) AND zero = from AND zero > 0 AND toInt64(i) - from = x
                    AND time - begun <= \(window), x + 1, 0), ix, c, runFrom, runCode, t, runTime)
                """))
            bindings.append(("L", "toInt64(arrayReduce('max', reached))"))
            result = "[L]"
            if funnel.needsTimes, steps > 1 {
                // The chain: the run of the first event that reached the furthest step.
                bindings.append(("E", "toInt64(arrayFirstIndex(l -> l = L, reached))"))
                let gaps = (1..<steps).map { "t[E - L + \($0 + 1)] - t[E - L + \($0)]" }.joined(separator: ", ")
                result = "arrayConcat([L], arraySlice([\(gaps)], 1, greatest(L - 1, 0)))"
            }
        case .anyOrder:
            // Step k is in the window ending at event j when its last event up to j is within it.
            for k in 0..<steps {
                bindings.append(("last\(k)", forwardFill("t", mask: "arrayMap(x -> bitTest(x, \(k)), c)", inclusive: true)))
                bindings.append(("in\(k)", "arrayMap((last, time) -> last > 0 AND time - last <= \(window), last\(k), t)"))
            }
            var covered = "0"
            for k in stride(from: steps - 1, through: 0, by: -1) { covered = "i\(k) * (1 + \(covered))" }
            let names = (0..<steps).map { "i\($0)" }.joined(separator: ", "), arrays = (0..<steps).map { "in\($0)" }.joined(separator: ", ")
            result = "[toInt64(arrayReduce('max', arrayMap((\(names)) -> \(covered), \(arrays))))]"
        }
        for (name, value) in bindings.reversed() { result = bind(name, value, result) }
        return result
    }
}
