import JourneyStore

extension FeedbackAnswers {
    /// The store's survey answers of the customers of an index, in arrival order; those that do not
    /// name a touchpoint get theirs once the customers' events are laid out.
    struct Arrivals: Sendable {
        var customers: [Int32] = [], timestamps: [Int64] = [], metricCodes: [UInt8] = [], touchpoints: [UInt16] = []
        var scores: [Double] = [], flags: [UInt8] = [], textEnds: [Int] = [], text: [UInt8] = []
        var metricNames: [String] = []

        /// No answers.
        init() {}

        /// Reads the answers (given at or after `since`) of the customers in `links`, each tied to the
        /// touchpoint it names when it names one.
        init(from store: any CustomerDataReader, ids: ClosedRange<Int64> = .min ... .max, links: CustomerLinks, touchpointIDs: [String],
             since: Int64 = .min) throws {
            let lookup = TouchpointLookup(touchpointIDs)
            var metricBytes: [[UInt8]] = []
            var failure: IndexBuilder.Failure?
            try store.scanFeedback(ids: ids) { answer in
                let number = Int(answer.customer)
                guard failure == nil, answer.timestamp >= since, number >= 0, number < links.rootPosition.count, links.rootPosition[number] >= 0 else { return }
                var touchpoint = FeedbackAnswers.noTouchpoint, flag: UInt8 = 0
                if let id = answer.touchpoint, let index = lookup.index(of: id) {
                    touchpoint = UInt16(index)
                    flag |= FeedbackAnswers.named
                }
                let metric: Int
                if let known = metricBytes.firstIndex(where: { $0.elementsEqual(answer.metric) }) {
                    metric = known
                } else {
                    guard metricNames.count <= Int(UInt8.max) else {
                        failure = IndexBuilder.Failure(description: "the store holds more than \(UInt8.max) kinds of survey metric")
                        return
                    }
                    metric = metricNames.count
                    metricBytes.append(Array(answer.metric))
                    metricNames.append(String(decoding: answer.metric, as: UTF8.self))
                }
                if let answerText = answer.text {
                    flag |= FeedbackAnswers.hasText
                    text.append(contentsOf: answerText)
                }
                customers.append(links.rootPosition[number])
                timestamps.append(answer.timestamp)
                metricCodes.append(UInt8(metric))
                touchpoints.append(touchpoint)
                scores.append(answer.score ?? .nan)
                flags.append(flag)
                textEnds.append(text.count)
            }
            if let failure { throw failure }
        }

        /// The same answers, each of the customer at position `positions[customer]`.
        func moved(to positions: [Int32]) -> Arrivals {
            var result = self
            result.customers = customers.map { positions[Int($0)] }
            return result
        }

        /// These answers, then those of `later` (which arrived after them).
        func appending(_ later: Arrivals) -> Arrivals {
            var result = self
            let codes = later.metricNames.map { name -> UInt8 in
                if let known = result.metricNames.firstIndex(of: name) { return UInt8(known) }
                result.metricNames.append(name)
                return UInt8(truncatingIfNeeded: result.metricNames.count - 1)
            }
            result.customers += later.customers
            result.timestamps += later.timestamps
            result.metricCodes += later.metricCodes.map { codes[Int($0)] }
            result.touchpoints += later.touchpoints
            result.scores += later.scores
            result.flags += later.flags
            let base = text.count
            result.textEnds += later.textEnds.map { $0 + base }
            result.text += later.text
            return result
        }
    }

    /// The answers of `arrivals` in order, each not naming a touchpoint tied to the customer's last
    /// classified touchpoint at or before it in `layout`.
    init(_ arrivals: Arrivals, layout: Layout) {
        var touchpoints = arrivals.touchpoints
        for answer in touchpoints.indices where arrivals.flags[answer] & Self.named == 0 {
            for event in layout.events(of: Int(arrivals.customers[answer])).reversed() where layout.timestamps[event] <= arrivals.timestamps[answer] {
                touchpoints[answer] = layout.touchpoints[event]
                break
            }
        }
        let order = Self.order(customers: arrivals.customers, timestamps: arrivals.timestamps, customerCount: layout.offsets.count - 1)
        var text: [UInt8] = []
        text.reserveCapacity(arrivals.text.count)
        let textEnds = order.map { answer in
            let start = answer == 0 ? 0 : arrivals.textEnds[answer - 1]
            text.append(contentsOf: arrivals.text[start ..< arrivals.textEnds[answer]])
            return text.count
        }
        self.init(customers: order.map { arrivals.customers[$0] }, timestamps: order.map { arrivals.timestamps[$0] },
                  metricNames: arrivals.metricNames, metricCodes: order.map { arrivals.metricCodes[$0] },
                  touchpoints: order.map { touchpoints[$0] }, scores: order.map { arrivals.scores[$0] }, flags: order.map { arrivals.flags[$0] },
                  textEnds: textEnds, text: text)
    }

    /// The answers in order of customer, then time, then arrival: a counting sort on the customer
    /// (stable), then each customer's few answers sorted by time.
    private static func order(customers: [Int32], timestamps: [Int64], customerCount: Int) -> [Int] {
        var next = [Int](repeating: 0, count: customerCount + 1)
        for customer in customers { next[Int(customer) + 1] += 1 }
        for index in 0..<customerCount { next[index + 1] += next[index] }
        let starts = next
        var order = [Int](repeating: 0, count: customers.count)
        for (answer, customer) in customers.enumerated() {
            order[next[Int(customer)]] = answer
            next[Int(customer)] += 1
        }
        for customer in 0..<customerCount where starts[customer + 1] - starts[customer] > 1 {
            let range = starts[customer] ..< starts[customer + 1]
            guard range.count <= 16 else {
                // Within a customer the answers are in arrival order, so this is a stable sort by time.
                order[range].sort { (timestamps[$0], $0) < (timestamps[$1], $1) }
                continue
            }
            // Insertion sort: stable, and most customers have a few answers.
            for position in range.dropFirst() {
                let answer = order[position]
                var slot = position
                while slot > range.lowerBound, timestamps[order[slot - 1]] > timestamps[answer] {
                    order[slot] = order[slot - 1]
                    slot -= 1
                }
                order[slot] = answer
            }
        }
        return order
    }
}

/// Finds a touchpoint by its id as stored bytes, with `String` equality (canonical equivalence)
/// for text that is not plain ASCII.
private struct TouchpointLookup {
    let ids: [String]
    let bytes: [[UInt8]]
    let allASCII: Bool
    let index: [String: Int]

    init(_ ids: [String]) {
        self.ids = ids
        bytes = ids.map { Array($0.utf8) }
        allASCII = bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } }
        index = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func index(of id: UnsafeBufferPointer<UInt8>) -> Int? {
        if allASCII, id.allSatisfy({ $0 < 0x80 }) { return bytes.firstIndex { $0.elementsEqual(id) } }
        return index[String(decoding: id, as: UTF8.self)]
    }
}
