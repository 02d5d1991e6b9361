import CustomerData
import Foundation
import JourneyAnalytics
import JourneyStore
import Testing
import WayfinderTesting

/// The customers who passed a touchpoint and the verbatims given there, against a recount of
/// randomly planted events and answers done with plain loops over what was sent (never with the
/// index or the analyses): who passed, first and last visit, visits, the goal reached at or after
/// the first visit, names from the traits, personas; every order, paging, filters; the answers
/// with text, tied to the touchpoint they name or else to the last visit before them, newest first.
@Suite("Customers and verbatims of a touchpoint")
struct CustomerListTests {
    /// What was sent: the events (each at a distinct second, so order needs no tie-break), the
    /// traits of each customer, and the survey answers.
    struct Planted {
        var lines: [String] = []
        var events: [(user: String, second: Int, name: String)] = []
        var traits: [String: [String: String]] = [:]
        var answers: [(user: String, second: Int, metric: String, score: Double?, text: String?, touchpoint: String?)] = []
    }

    /// A customer as the recount sees them.
    struct Expected: Equatable {
        var user: String, name: String?, persona: String?, first: Int, last: Int, visits: Int, goal: Int?
    }

    static let users = (0..<70).map { "u\($0)" }
    static let texts = ["Great fit, thanks", "Too small, sadly", "caf\u{E9} was fine", "Never again!", "It took \"ages\""]

    static func plant(seed: UInt64) -> Planted {
        var random = SplitMix64(seed: seed)
        var planted = Planted()
        func time(_ second: Int) -> String { Timestamp.iso8601(TinyJourney.epoch + Int64(second) * 1000) }
        func json(_ value: [String: Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        for (number, user) in users.enumerated() {
            let traits: [String: String] = switch number % 6 {
            case 0: ["name": "Ada \(user)", "plan": "pro"]
            case 1: ["first_name": "Bo", "last_name": "Lee \(user)"]
            case 2: ["email": "\(user)@example.com", "plan": "pro"]
            case 3: ["first_name": "  ", "email": "\(user)@example.org"]
            case 4: ["name": "=cmd \(user)"]
            default: [:]
            }
            planted.traits[user] = traits
            if !traits.isEmpty {
                planted.lines.append(json(["type": "identify", "userId": user, "messageId": "i\(number)", "timestamp": time(0), "traits": traits]))
            }
        }
        let names = ["A1", "A2", "B1", "C1", "Z9"]
        for arrival in 0..<900 {
            let user = users.randomElement(using: &random)!
            let second = Int.random(in: 1..<100, using: &random) * 1000 + arrival
            if Int.random(in: 0..<3, using: &random) > 0 {
                let name = names.randomElement(using: &random)!
                planted.events.append((user, second, name))
                planted.lines.append(json(["type": "track", "event": name, "userId": user, "messageId": "m\(arrival)", "timestamp": time(second)]))
                continue
            }
            let metric = ["nps", "csat", "ces", "text"].randomElement(using: &random)!
            let score: Double? = switch metric {
            case "nps": Double(Int.random(in: 0...10, using: &random))
            case "csat": Double(Int.random(in: 1...5, using: &random))
            case "ces": Double(Int.random(in: 1...7, using: &random))
            default: nil
            }
            let text = metric == "text" || Bool.random(using: &random) ? texts.randomElement(using: &random)! : nil
            let touchpoint = [nil, nil, "a1", "b1", "c1", "nowhere"].randomElement(using: &random)!
            var properties: [String: Any] = ["metric": metric]
            if let score { properties["score"] = score }
            if let text { properties["text"] = text }
            if let touchpoint { properties["touchpoint"] = touchpoint }
            planted.answers.append((user, second, metric, score, text, touchpoint))
            planted.lines.append(json(["type": "feedback", "userId": user, "messageId": "m\(arrival)", "timestamp": time(second), "properties": properties]))
        }
        return planted
    }

    /// The display name by the documented rule: `name`, else first and last name, else e-mail.
    static func name(_ traits: [String: String]) -> String? {
        let clean = traits.mapValues { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.value.isEmpty }
        if let name = clean["name"] { return name }
        let full = [clean["first_name"], clean["last_name"]].compactMap { $0 }.joined(separator: " ")
        return full.isEmpty ? clean["email"] : full
    }

    /// The customers who passed `touchpoint`, recounted from the events sent.
    static func recount(_ planted: Planted, touchpoint: String, onlyPro: Bool = false) -> [Expected] {
        var found: [Expected] = []
        for user in users {
            let traits = planted.traits[user] ?? [:]
            if onlyPro, traits["plan"] != "pro" { continue }
            let visits = planted.events.filter { $0.user == user && TinyJourney.touchpointOf[$0.name] != nil }.sorted { $0.second < $1.second }
            guard let first = visits.firstIndex(where: { TinyJourney.touchpointOf[$0.name] == touchpoint }) else { continue }
            let here = visits.filter { TinyJourney.touchpointOf[$0.name] == touchpoint }
            let goal = visits[first...].first { $0.name == "C1" }
            found.append(Expected(user: user, name: name(traits), persona: traits["plan"] == "pro" ? "runner" : nil, first: here.first!.second,
                                  last: here.last!.second, visits: here.count, goal: goal?.second))
        }
        return found
    }

    static func fixture(_ planted: Planted) throws -> (StoreFixture, JourneyIndex, [String: Int64]) {
        let fixture = try StoreFixture.fromNDJSON(planted.lines, workspace: TinyJourney.yaml)
        let request = IndexRequest(queries: [AnalysisQuery(kind: .customers, journey: "tiny", options: { var o = Options(); o.touchpoint = "a1"; return o }())])
        let index = try IndexBuilder(workspace: fixture.workspace, journey: fixture.journey, request: request).build(from: fixture.store.data)
        var numbers: [String: Int64] = [:]
        for user in users { numbers[user] = try #require(try fixture.store.data.findCustomer(user)) }
        return (fixture, index, numbers)
    }

    static func query(_ kind: AnalysisQuery.Kind, _ touchpoint: String, order: Options.CustomerOrder = .customer, descending: Bool = false,
                      limit: Int? = nil, offset: Int? = nil, filters: Filters = Filters()) -> AnalysisQuery {
        var options = Options()
        options.touchpoint = touchpoint
        options.order = order
        options.descending = descending
        options.limit = limit
        options.offset = offset
        return AnalysisQuery(kind: kind, journey: "tiny", filters: filters, options: options)
    }

    static func seconds(_ iso: String?) throws -> Int? {
        guard let iso else { return nil }
        return Int((try Timestamp.parse(iso) - TinyJourney.epoch) / 1000)
    }

    @Test("each touchpoint's customers: who, when, how often, the goal after the first visit, name and persona, as recounted", arguments: [5, 6] as [UInt64])
    func customersAgreeWithRecount(seed: UInt64) throws {
        let planted = Self.plant(seed: seed)
        let (_, index, numbers) = try Self.fixture(planted)
        let touchpoints = try #require(try Analyzer.run(AnalysisQuery(kind: .touchpoints, journey: "tiny"), on: index).touchpoints)
        for touchpoint in ["a1", "a2", "b1", "c1"] {
            let expected = Self.recount(planted, touchpoint: touchpoint).sorted { numbers[$0.user]! < numbers[$1.user]! }
            let list = try #require(try Analyzer.run(Self.query(.customers, touchpoint), on: index).customers)
            #expect(list.total == expected.count && list.customers.count == expected.count, "\(touchpoint)")
            #expect(list.converted == expected.filter { $0.goal != nil }.count, "\(touchpoint)")
            var shown: [Expected] = []
            for row in list.customers {
                let user = try #require(numbers.first { CustomerID.text($0.value) == row.id }?.key)
                shown.append(Expected(user: user, name: row.name, persona: row.persona, first: try #require(try Self.seconds(row.firstVisit)),
                                      last: try #require(try Self.seconds(row.lastVisit)), visits: row.visits, goal: try Self.seconds(row.goalAt)))
                #expect(row.reachedGoal == (row.goalAt != nil))
            }
            #expect(shown == expected, "\(touchpoint)")
            // The same customers as the map's live numbers count there.
            let live = try #require(touchpoints.touchpoints.first { $0.id == touchpoint })
            #expect(list.total == live.visitors && list.converted == live.converted, "\(touchpoint)")
            // Only the persona's customers with a persona filter.
            let pro = try #require(try Analyzer.run(Self.query(.customers, touchpoint, filters: Filters(personas: ["runner"])), on: index).customers)
            #expect(pro.customers.map(\.id) == Self.recount(planted, touchpoint: touchpoint, onlyPro: true)
                .sorted { numbers[$0.user]! < numbers[$1.user]! }.map { CustomerID.text(numbers[$0.user]!) })
        }
    }

    @Test("every order, both ways, with customers lacking the value last and ties by customer id; pages are slices of the whole list")
    func ordersAndPages() throws {
        let planted = Self.plant(seed: 9)
        let (_, index, numbers) = try Self.fixture(planted)
        let expected = Self.recount(planted, touchpoint: "a1")
        func number(_ row: Expected) -> Int64 { numbers[row.user]! }
        func sorted(_ key: (Expected) -> String?, _ descending: Bool) -> [String] {
            expected.sorted { one, two in
                switch (key(one), key(two)) {
                case let (a?, b?) where a != b: return descending ? a > b : a < b
                case (_?, nil): return true
                case (nil, _?): return false
                default: return number(one) < number(two)
                }
            }.map { CustomerID.text(number($0)) }
        }
        let padded = { (value: Int) in String(format: "%012d", value) }
        let keys: [(Options.CustomerOrder, (Expected) -> String?)] = [
            (.lastVisit, { padded($0.last) }), (.firstVisit, { padded($0.first) }), (.visits, { padded($0.visits) }),
            (.goalAt, { $0.goal.map(padded) }), (.name, { $0.name?.lowercased() }), (.customer, { String(format: "%012lld", number($0)) }),
        ]
        for (order, key) in keys {
            for descending in [false, true] {
                let list = try #require(try Analyzer.run(Self.query(.customers, "a1", order: order, descending: descending), on: index).customers)
                let whole = list.customers.map(\.id)
                #expect(whole == sorted(key, descending), "\(order) \(descending ? "descending" : "ascending")")
                for (offset, limit) in [(0, 7), (7, 7), (whole.count - 3, 10), (whole.count + 4, 5), (2, 0)] {
                    let page = try #require(try Analyzer.run(Self.query(.customers, "a1", order: order, descending: descending, limit: limit, offset: offset), on: index).customers)
                    let start = min(offset, whole.count)
                    #expect(page.customers.map(\.id) == Array(whole[start ..< min(whole.count, start + limit)]), "\(order) \(offset)+\(limit)")
                    #expect(page.total == whole.count && page.offset == offset && page.limit == limit)
                }
            }
        }
    }

    @Test("the verbatims of each touchpoint: answers with text tied to it (named, or after a visit there), newest first, paged", arguments: [5, 8] as [UInt64])
    func verbatimsAgreeWithRecount(seed: UInt64) throws {
        let planted = Self.plant(seed: seed)
        let (_, index, numbers) = try Self.fixture(planted)
        let mapTouchpoints = Set(TinyJourney.touchpointOf.values)
        func tiedTo(_ answer: (user: String, second: Int, metric: String, score: Double?, text: String?, touchpoint: String?)) -> String? {
            if let named = answer.touchpoint, mapTouchpoints.contains(named) { return named }
            var last: (second: Int, touchpoint: String)?
            for event in planted.events where event.user == answer.user && event.second <= answer.second {
                guard let touchpoint = TinyJourney.touchpointOf[event.name] else { continue }
                if last == nil || event.second > last!.second { last = (event.second, touchpoint) }
            }
            return last?.touchpoint
        }
        var seen = 0
        for touchpoint in ["a1", "a2", "b1", "c1"] {
            let here = planted.answers.filter { tiedTo($0) == touchpoint }
            let expected = here.filter { $0.text != nil }.sorted { $0.second > $1.second }
            let result = try #require(try Analyzer.run(Self.query(.verbatims, touchpoint), on: index).verbatims)
            #expect(result.answers == here.count && result.total == expected.count, "\(touchpoint)")
            #expect(result.verbatims.count == expected.count)
            for (row, answer) in zip(result.verbatims, expected) {
                #expect(row.customer == CustomerID.text(numbers[answer.user]!) && row.text == answer.text && row.metric == answer.metric && row.score == answer.score)
                #expect(try Self.seconds(row.time) == answer.second)
                #expect(row.name == Self.name(planted.traits[answer.user] ?? [:]))
                #expect(row.named == (answer.touchpoint == touchpoint))
                #expect(row.polarity == Sentiment.Polarity(compound: row.sentiment) && (-1...1).contains(row.sentiment))
            }
            let page = try #require(try Analyzer.run(Self.query(.verbatims, touchpoint, limit: 3, offset: 2), on: index).verbatims)
            #expect(page.verbatims.map(\.text) == Array(result.verbatims.dropFirst(2).prefix(3)).map(\.text))
            seen += expected.count
        }
        #expect(seen > 20, "the planted data has verbatims to check")
    }

    @Test("a customer list needs a touchpoint of the map; paging out of range, or not a number, is refused naming the field", arguments: [
        (#"{"kind": "customers", "journey": "tiny"}"#, "options.touchpoint"),
        (#"{"kind": "verbatims", "journey": "tiny", "options": {"touchpoint": ""}}"#, "options.touchpoint"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "limit": -1}}"#, "options.limit"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "limit": 1e30}}"#, "options.limit"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "limit": 9223372036854775808}}"#, "options.limit"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "limit": "ten"}}"#, "options.limit"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "limit": 2.5}}"#, "options.limit"),
        (#"{"kind": "verbatims", "journey": "tiny", "options": {"touchpoint": "a1", "offset": -3}}"#, "options.offset"),
        (#"{"kind": "verbatims", "journey": "tiny", "options": {"touchpoint": "a1", "offset": 100000001}}"#, "options.offset"),
        (#"{"kind": "customers", "journey": "tiny", "options": {"touchpoint": "a1", "order": "sideways"}}"#, "options.order"),
    ])
    func refusals(json: String, field: String) throws {
        let error = try #require(throws: AnalysisError.self) { _ = try Analyzer.query(json: Data(json.utf8)) }
        #expect(error.description.contains(field), "\(error)")
    }

    @Test("a touchpoint the map lacks is refused naming options.touchpoint; a comparison of customer lists is refused")
    func unknownTouchpoint() throws {
        let (_, index, _) = try Self.fixture(Self.plant(seed: 1))
        for kind in [AnalysisQuery.Kind.customers, .verbatims] {
            let error = try #require(throws: AnalysisError.self) { _ = try Analyzer.run(Self.query(kind, "nowhere"), on: index) }
            #expect(error.field == "options.touchpoint" && error.description.contains("a1"), "\(error)")
        }
        var compare = Self.query(.compare, "a1")
        compare.options.compareKind = .customers
        compare.options.before = Segment(label: "one")
        compare.options.after = Segment(label: "two")
        let error = try #require(throws: AnalysisError.self) { _ = try Analyzer.run(compare, on: index) }
        #expect(error.field == "options.compare_kind", "\(error)")
    }

    @Test("the customers at a funnel step are those the reference funnel takes to it (or, dropped, to the step before only), in every mode")
    func atFunnelStep() throws {
        var random = SplitMix64(seed: 51)
        var events: [TinyJourney.Event] = []
        let names = ["A1", "A2", "B1", "C1", "X"]
        for customer in 0..<250 {
            events.append(TinyJourney.Event(customer: "c\(customer)", name: "", second: 0, traits: ["name": "c\(customer)"]))
            for _ in 0 ..< Int(random.next() % 8) {
                events.append(TinyJourney.Event(customer: "c\(customer)", name: names[Int(random.next() % 5)], second: Int(random.next() % 3_000_000)))
            }
        }
        var options = Options()
        options.step = "b"
        let index = try TinyJourney.index(events, request: IndexRequest(queries: [AnalysisQuery(kind: .customers, journey: "tiny", options: options)]),
                                          in: TemporaryDirectory())
        let traces = TinyJourney.traces(events)
        for mode in Options.FunnelMode.allCases {
            for (step, stage) in ["a", "b", "c"].enumerated() {
                for dropped in [false, true] {
                    options.mode = mode
                    options.windowDays = 10
                    options.step = stage
                    options.dropped = dropped
                    let list = try Analyzer.run(AnalysisQuery(kind: .customers, journey: "tiny", options: options), on: index).customers!
                    let expected = traces.filter { _, trace in
                        let reached = FunnelTests.reference(trace, mode: mode, window: 10 * 86_400)
                        return dropped ? reached == step : reached > step
                    }.keys
                    #expect(Set(list.customers.compactMap(\.name)) == Set(expected) && list.total == expected.count, "\(mode) \(stage) dropped \(dropped)")
                    #expect(list.step == stage && list.dropped == dropped && list.touchpoint == nil)
                }
            }
        }
        options.step = "nowhere"
        #expect(throws: AnalysisError.self) { try Analyzer.run(AnalysisQuery(kind: .customers, journey: "tiny", options: options), on: index) }
    }
}
