import CustomerData
import Foundation
import JourneyModel
import Testing
import WayfinderTesting

/// Generated data, with each customer's events, for checking the planted truth independently.
private struct GeneratedScenario: Sendable {
    let generator: ScenarioGenerator
    let events: [Event]
    /// Each customer with the range of its events in `events`.
    let customers: [(customer: ScenarioCustomer, events: Range<Int>)]
    let truth: ScenarioTruth

    init(_ template: WorkspaceTemplate, customers: Int = 1_000, seed: UInt64 = 7) {
        generator = ScenarioGenerator(template: template, customers: customers, seed: seed)
        var events: [Event] = []
        var found: [(ScenarioCustomer, Range<Int>)] = []
        var first = 0
        truth = generator.run(customer: { customer in
            found.append((customer, first..<events.count))
            first = events.count
        }, event: { events.append($0) })
        self.events = events
        self.customers = found
    }

    static let retail = GeneratedScenario(.retail), saas = GeneratedScenario(.saas), healthcare = GeneratedScenario(.healthcare),
        leadGen = GeneratedScenario(.leadGen), b2bServices = GeneratedScenario(.b2bServices), omnichannel = GeneratedScenario(.omnichannel)

    /// One generated scenario per template, shared by the tests (1,000 customers, seed 7).
    static func of(_ template: WorkspaceTemplate) -> GeneratedScenario {
        switch template {
        case .retail: retail
        case .saas: saas
        case .healthcare: healthcare
        case .leadGen: leadGen
        case .b2bServices: b2bServices
        case .omnichannel: omnichannel
        }
    }

    var matcher: EventMatcher { EventMatcher(journey: generator.journey) }
}

/// Order-insensitive JSON, for comparing objects whose keys a CSV reader rebuilds in column order.
private func canonical(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let entries): .object(entries.map { ($0.0, canonical($0.1)) }.sorted { $0.0 < $1.0 })
    case .array(let items): .array(items.map(canonical))
    default: value
    }
}

/// Leaf paths and their text (a CSV file carries traits as text).
private func leafTexts(_ value: JSONValue, prefix: String = "") -> [String: String] {
    guard case .object(let entries) = value else { return prefix.isEmpty ? [:] : [prefix: value.text ?? value.json] }
    var result: [String: String] = [:]
    for (key, inner) in entries { result.merge(leafTexts(inner, prefix: prefix.isEmpty ? key : prefix + "." + key)) { $1 } }
    return result
}

private func readAll(_ path: String) throws -> (events: [Event], problems: [String]) {
    let reader = try RecordReader(path: path)
    var events: [Event] = [], problems: [String] = []
    while let record = try reader.next() {
        switch record.result {
        case .success(let event): events.append(event)
        case .failure(let problem): problems.append("\(record.location): \(problem)")
        }
    }
    return (events, problems)
}

@Suite("Scenario generator")
struct ScenarioGeneratorTests {
    @Test("the same seed gives the same bytes, another seed other bytes", arguments: ScenarioWriter.Format.allCases)
    func deterministic(format: ScenarioWriter.Format) throws {
        let directory = try TemporaryDirectory(prefix: "scenario")
        func write(_ folder: String, seed: UInt64) throws -> ScenarioTruth {
            try ScenarioWriter(directory: directory.path(folder), format: format)
                .write(ScenarioGenerator(template: .saas, customers: 2_100, seed: seed))
        }
        let first = try write("a", seed: 42), second = try write("b", seed: 42)
        _ = try write("c", seed: 43)
        #expect(first == second)
        let files = directory.files(under: "a").map { String($0.dropFirst(2)) }
        #expect(files == directory.files(under: "b").map { String($0.dropFirst(2)) })
        #expect(files.contains("truth.json") && files.contains("truth-identifiers.csv"))
        for file in files {
            #expect(directory.read("a/\(file)") == directory.read("b/\(file)"), "\(file) differs between two runs with one seed")
        }
        let eventFile = ScenarioWriter(directory: "", format: format).fileNames(events: first.events)[0]
        #expect(directory.read("a/\(eventFile)") != directory.read("c/\(eventFile)"))
        #expect(directory.read("a/truth.json") != directory.read("c/truth.json"))
        #expect(!files.contains { $0.hasSuffix(".partial") })
        if format == .segment { #expect(first.files.count >= 2, "2,100 customers (two chunks) should need several batches") }
    }

    @Test("customer i is the same whatever the number of customers")
    func prefixStable() {
        var small: [Event] = [], large: [Event] = []
        _ = ScenarioGenerator(template: .retail, customers: 50, seed: 3).run { small.append($0) }
        _ = ScenarioGenerator(template: .retail, customers: 80, seed: 3).run { large.append($0) }
        #expect(Array(large.prefix(small.count)) == small)
    }

    @Test("every touchpoint event classifies into its touchpoint; nothing reaches unreachable ones", arguments: WorkspaceTemplate.allCases)
    func classification(template: WorkspaceTemplate) {
        let scenario = GeneratedScenario.of(template)
        let matcher = scenario.matcher
        let ids = scenario.generator.journey.touchpoints.map(\.id)
        var counts = Array(repeating: 0, count: ids.count)
        var unclassified = 0
        for event in scenario.events {
            if let index = matcher.classify(event) { counts[index] += 1 } else { unclassified += 1 }
        }
        let unreachable = Set(scenario.truth.unreachableTouchpoints.map(\.touchpoint))
        for (index, id) in ids.enumerated() {
            #expect(counts[index] == scenario.truth.touchpoints[id]?.events, "\(id)")
            if unreachable.contains(id) { #expect(counts[index] == 0) } else { #expect(counts[index] > 0, "\(id) never visited") }
        }
        #expect(unclassified == scenario.truth.unclassifiedEvents)
        let noise = Double(scenario.truth.noiseEvents) / Double(scenario.truth.events)
        #expect(noise > 0.03 && noise < 0.08, "noise is \(noise) of all events")
    }

    @Test("persona traits satisfy the persona's rule and no other; persona-less customers match none", arguments: WorkspaceTemplate.allCases)
    func personas(template: WorkspaceTemplate) {
        let scenario = GeneratedScenario.of(template)
        let personas = scenario.generator.journey.personas.compactMap { scenario.generator.workspace.persona($0) }
        var counts: [String: Int] = [:]
        var checked = 0
        for (customer, range) in scenario.customers {
            counts[customer.persona ?? "none", default: 0] += 1
            var traits = JSONValue.object([])
            for event in scenario.events[range] where event.type == .identify {
                for (path, text) in leafTexts(event.traits) { traits = traits.setting(path: path, to: .string(text)) }
            }
            guard traits != .object([]) else { continue }
            checked += 1
            let matching = personas.filter { EventMatcher.matches($0, traits: traits) }.map(\.id)
            #expect(matching == (customer.persona.map { [$0] } ?? []), "\(customer.label)")
        }
        #expect(counts == scenario.truth.personas)
        #expect(checked == scenario.truth.identifiers.identifiedCustomers)
        let none = Double(counts["none"] ?? 0) / Double(scenario.customers.count)
        #expect(none > 0.06 && none < 0.14)
        #expect(counts.count == personas.count + 1)
    }

    @Test("truth counts equal a recount over the events", arguments: WorkspaceTemplate.allCases)
    func recount(template: WorkspaceTemplate) throws {
        let scenario = GeneratedScenario.of(template)
        let truth = scenario.truth
        #expect(truth.customers == scenario.customers.count && truth.events == scenario.events.count)
        var byType: [String: Int] = [:]
        for event in scenario.events { byType[event.type.rawValue, default: 0] += 1 }
        #expect(byType == truth.eventsByType)
        let junk = scenario.events.filter { $0.userId != nil && Identifier.make(.user, $0.userId!) == nil }
        #expect(junk.count == truth.junkIdEvents && junk.count > 0)
        #expect(junk.allSatisfy { $0.anonymousId != nil })
        var messageIds = Set<String>()
        var identifiers: [Identifier: String] = [:]
        var kinds: [String: Int] = [:]
        for (customer, range) in scenario.customers {
            let events = scenario.events[range]
            #expect(!events.isEmpty)
            let seen = Set(events.flatMap { Identifier.all(of: $0) })
            #expect(seen == Set(customer.identifiers), "\(customer.label)")
            for identifier in seen {
                #expect(identifiers.updateValue(customer.label, forKey: identifier) == nil, "\(identifier) is shared by two customers")
                kinds[identifier.kind.rawValue, default: 0] += 1
            }
            // Time order, start, and the 30-day window.
            let times = events.map(\.timestamp)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
            #expect(times.first! >= ScenarioGenerator.start && times.last! - times.first! <= ScenarioGenerator.window)
            for event in events { #expect(event.messageId.map { messageIds.insert($0).inserted } == true) }
        }
        #expect(kinds.filter { $0.value > 0 } == truth.identifiers.byKind.filter { $0.value > 0 })
        #expect(identifiers.count == truth.identifiers.total)
        // Email and phone appear in several formats that normalise to one identifier.
        let emails = Set(scenario.events.compactMap { $0.traits["email"]?.text })
        #expect(emails.contains { $0 != $0.lowercased() } && emails.contains { $0.hasPrefix(" ") })
        let phones = Set(scenario.events.compactMap { $0.traits["phone"]?.text })
        #expect(phones.contains { $0.hasPrefix("0044") } && phones.contains { $0.contains(" ") } && phones.contains { !$0.contains(" ") })
    }

    @Test("stitching the events recovers the customers exactly", arguments: [WorkspaceTemplate.retail, .b2bServices])
    func stitching(template: WorkspaceTemplate) {
        let scenario = GeneratedScenario.of(template)
        var graph = IdentityGraph()
        for event in scenario.events { _ = graph.resolve(Identifier.all(of: event)) }
        var roots = Set<Int64>()
        for (customer, _) in scenario.customers {
            let customerRoots = Set(customer.identifiers.compactMap { graph.customer(of: $0) })
            #expect(customerRoots.count == 1, "\(customer.label) is split over \(customerRoots.count) customers")
            roots.formUnion(customerRoots)
        }
        #expect(roots.count == scenario.customers.count)
        #expect(graph.oversized.isEmpty)
    }

    @Test("funnel, drop-off, conversions and feedback equal an independent recount", arguments: WorkspaceTemplate.allCases)
    func analyses(template: WorkspaceTemplate) throws {
        let scenario = GeneratedScenario.of(template)
        let journey = scenario.generator.journey, truth = scenario.truth, matcher = scenario.matcher
        let stageOf = journey.touchpoints.map { touchpoint in journey.stages.firstIndex { $0.id == touchpoint.stage }! }
        let goal = journey.touchpoints.firstIndex { $0.id == journey.goal }!
        var funnel: [String: [Int]] = [:]
        var visitors = Array(repeating: 0, count: stageOf.count), left = visitors
        var converted = 0, goalEvents = 0, repeats = 0
        var feedback: [String: [String: (count: Int, sum: Double)]] = [:]
        for (customer, range) in scenario.customers {
            // Ordered funnel the way ClickHouse's windowFunnel counts it: the latest start per level.
            var starts: [Int64?] = Array(repeating: nil, count: journey.stages.count)
            var visited = Set<Int>(), furthest = -1, goals = 0
            for event in scenario.events[range] {
                if event.type == .feedback, case .success(let answer) = Feedback.read(from: event), let touchpoint = answer.touchpoint {
                    var summary = feedback[touchpoint, default: [:]][answer.metric.rawValue, default: (0, 0)]
                    summary.count += 1
                    summary.sum += answer.score ?? 0
                    feedback[touchpoint, default: [:]][answer.metric.rawValue] = summary
                }
                guard let index = matcher.classify(event) else { continue }
                let stage = stageOf[index]
                visited.insert(index)
                furthest = max(furthest, stage)
                if index == goal { goals += 1 }
                if stage == 0 { starts[0] = event.timestamp } else if let start = starts[stage - 1], event.timestamp - start <= ScenarioGenerator.window {
                    starts[stage] = start
                }
            }
            let reached = starts.lastIndex { $0 != nil }.map { $0 + 1 } ?? 0
            var steps = funnel[customer.persona ?? "none", default: Array(repeating: 0, count: journey.stages.count)]
            for step in 0..<reached { steps[step] += 1 }
            funnel[customer.persona ?? "none"] = steps
            for index in visited {
                visitors[index] += 1
                if furthest <= stageOf[index], goals == 0 { left[index] += 1 }
            }
            if goals > 0 { converted += 1 }
            if goals > 1 { repeats += 1 }
            goalEvents += goals
        }
        for (persona, steps) in funnel {
            #expect(truth.funnelByPersona[persona]?.steps.map(\.customers) == steps, "\(persona)")
        }
        let overall = journey.stages.indices.map { step in funnel.values.reduce(0) { $0 + $1[step] } }
        #expect(truth.funnel.steps.map(\.customers) == overall)
        #expect(truth.funnel.steps.map(\.id) == journey.stages.map(\.id))
        #expect(zip(overall, overall.dropFirst()).allSatisfy { $0 >= $1 } && overall.last! > 0)
        for (index, touchpoint) in journey.touchpoints.enumerated() {
            #expect(truth.touchpoints[touchpoint.id]?.realised.visitors == visitors[index], "\(touchpoint.id)")
            #expect(truth.touchpoints[touchpoint.id]?.realised.left == left[index], "\(touchpoint.id)")
        }
        #expect(truth.goal.customers == converted && truth.goal.events == goalEvents && truth.goal.repeatCustomers == repeats)
        #expect(repeats > 0)
        var expected: [String: [String: [Double?]]] = [:]
        for (touchpoint, metrics) in feedback {
            for (metric, summary) in metrics {
                expected[touchpoint, default: [:]][metric] =
                    [Double(summary.count), metric == "text" ? nil : (summary.sum / Double(summary.count) * 10_000).rounded() / 10_000]
            }
        }
        #expect(expected == truth.feedback.mapValues { $0.mapValues { [Double($0.count), $0.mean] } })
        #expect(!expected.isEmpty)
    }

    @Test("friction points lose far more customers than the baseline", arguments: WorkspaceTemplate.allCases)
    func friction(template: WorkspaceTemplate) {
        let truth = GeneratedScenario.of(template).truth
        #expect((1...2).contains(truth.friction.count))
        #expect(truth.baseline.realised.dropOff > 0.08 && truth.baseline.realised.dropOff < 0.3)
        for point in truth.friction {
            #expect(point.touchpoint != truth.goal.touchpoint)
            #expect(point.realised.visitors >= 100)
            #expect(point.realised.dropOff >= 0.5 && point.realised.dropOff >= truth.baseline.realised.dropOff + 0.25, "\(point.touchpoint)")
        }
        // Experience shows in the answers: surveys after friction score worse than the map's happiest touchpoints.
        let csat = truth.feedback.compactMapValues { $0["csat"]?.mean }
        if let frictionScore = truth.friction.compactMap({ csat[$0.touchpoint] }).max(), let best = csat.values.max() {
            #expect(frictionScore < best - 1)
        }
    }

    @Test("CSV is read back by RecordReader with the standard mapping: same events, nothing refused", arguments: WorkspaceTemplate.allCases)
    func csvRoundTrip(template: WorkspaceTemplate) throws {
        let directory = try TemporaryDirectory(prefix: "scenario")
        let generator = ScenarioGenerator(template: template, customers: 300, seed: 5)
        var generated: [Event] = []
        _ = generator.run { generated.append($0) }
        let truth = try ScenarioWriter(directory: directory.path, format: .csv).write(generator)
        #expect(truth.files == ["events.csv": generated.count])
        let header = directory.read("events.csv")!.prefix { $0 != "\n" }
        #expect(header.hasPrefix("timestamp,type,event,name,messageId,anonymousId,userId,email,phone,device_id,channel,"))
        #expect(String(header) == generator.csvColumns.joined(separator: ","))
        let (read, problems) = try readAll(directory.path("events.csv"))
        #expect(problems.isEmpty, "\(problems.prefix(3))")
        try #require(read.count == generated.count)
        let matcher = EventMatcher(journey: generator.journey)
        var fieldMismatches: [String] = [], textMismatches: [String] = [], typeMismatches: [String] = [], classMismatches: [String] = []
        for (back, original) in zip(read, generated) {
            let id = original.messageId ?? ""
            if back.type != original.type || back.name != original.name || back.timestamp != original.timestamp || back.messageId != original.messageId
                || back.anonymousId != original.anonymousId || back.userId != original.userId
                || canonical(back.context) != canonical(original.context) || Identifier.all(of: back) != Identifier.all(of: original)
                || leafTexts(back.traits) != leafTexts(original.traits) {
                fieldMismatches.append(id)
            }
            if leafTexts(back.properties) != leafTexts(original.properties) { textMismatches.append(id) }
            if canonical(back.properties) != canonical(original.properties) { typeMismatches.append(id) }
            if matcher.classify(back) != matcher.classify(original) { classMismatches.append(id) }
        }
        #expect(fieldMismatches.isEmpty, "\(fieldMismatches.count) events differ, first \(fieldMismatches.prefix(3))")
        #expect(textMismatches.isEmpty, "\(textMismatches.count) events have other property values, first \(textMismatches.prefix(3))")
        #expect(classMismatches.isEmpty, "\(classMismatches.count) events classify differently, first \(classMismatches.prefix(3))")
        #expect(typeMismatches.isEmpty, "\(typeMismatches.count) events have properties of another JSON type")
    }

    @Test("NDJSON and Segment batches are read back as the same events, across parallel chunks",
          arguments: [(ScenarioWriter.Format.ndjson, WorkspaceTemplate.retail), (.segment, .healthcare), (.ndjson, .b2bServices)])
    func jsonRoundTrip(format: ScenarioWriter.Format, template: WorkspaceTemplate) throws {
        let directory = try TemporaryDirectory(prefix: "scenario")
        let generator = ScenarioGenerator(template: template, customers: 2_100, seed: 9)
        var generated: [Event] = []
        var expected = generator.run { generated.append($0) }
        let truth = try ScenarioWriter(directory: directory.path, format: format).write(generator)
        expected.format = format.rawValue
        expected.files = truth.files
        expected.identifiersFile = "truth-identifiers.csv"
        #expect(truth == expected, "the writer's truth (merged over chunks) differs from a sequential run")
        let names = ScenarioWriter(directory: directory.path, format: format).fileNames(events: generated.count)
        #expect(Set(truth.files.keys) == Set(names))
        #expect(truth.files.values.reduce(0, +) == generated.count)
        var read: [Event] = []
        for name in names {
            let (events, problems) = try readAll(directory.path(name))
            #expect(problems.isEmpty, "\(problems.prefix(3))")
            #expect(events.count == truth.files[name])
            #expect(events.count <= ScenarioWriter.batchLimit || format == .ndjson)
            read += events
        }
        #expect(read == generated)
        if format == .ndjson {
            let lines = directory.read("events.ndjson")!.split(separator: "\n").map(String.init)
            #expect(lines == generated.map(\.json.json))
        }
    }

    @Test("planted groups: each customer's group, its traits mostly the group's own and its spend in the group's range, the favoured touchpoints met far more often; personas as without groups, and the files and truth agree")
    func plantedGroups() throws {
        let plain = GeneratedScenario.of(.retail)
        let generator = ScenarioGenerator(template: .retail, customers: 1_000, seed: 7, groups: 3)
        var customers: [(ScenarioCustomer, [Event])] = []
        var current: [Event] = []
        let truth = generator.run(customer: { customers.append(($0, current)); current = [] }, event: { current.append($0) })
        let groups = try #require(truth.groups)
        #expect(groups.map(\.id) == ["group-1", "group-2", "group-3"])
        #expect(groups.map(\.customers).reduce(0, +) == truth.customers)
        // Every customer's persona as without groups (the group is drawn apart; the touchpoints chosen, and with them the devices, differ).
        #expect(zip(customers, plain.customers).filter { $0.0.persona != $1.customer.persona }.isEmpty)
        var typical = 0, identified = 0, favoured = 0, visits = 0
        var perGroup: [String: Int] = [:], identifiedPerGroup: [String: Int] = [:]
        let matcher = EventMatcher(journey: generator.journey)
        for (customer, events) in customers {
            let id = try #require(customer.group)
            let group = try #require(groups.first { $0.id == id })
            perGroup[id, default: 0] += 1
            let traits = events.first { $0.type == .identify && $0.traits["market"] != nil }?.traits
            if let market = traits?["market"] {
                identified += 1
                identifiedPerGroup[id, default: 0] += 1
                if market["region"]?.text == group.region { typical += 1 }
                let spend = try #require(market["yearly_spend"].flatMap { value -> Double? in
                    if case .number(let number) = value { return number }
                    return nil
                })
                #expect(spend >= Double(group.yearlySpend[0]) && spend <= Double(group.yearlySpend[1]))
            }
            for event in events {
                guard let touchpoint = matcher.classify(event) else { continue }
                visits += 1
                if group.favouredTouchpoints.contains(generator.journey.touchpoints[touchpoint].id) { favoured += 1 }
            }
        }
        #expect(perGroup == Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0.customers) }))
        #expect(identifiedPerGroup == Dictionary(uniqueKeysWithValues: groups.map { ($0.id, $0.identified) }))
        #expect(identified == truth.identifiers.identifiedCustomers)
        let share = Double(typical) / Double(identified)
        #expect(share > 0.8 && share < 0.95, "the group's own region for about 85% plus a third of the rest: \(share)")
        #expect(Double(favoured) / Double(visits) > 0.4, "favoured touchpoints: \(favoured) of \(visits) visits")

        let directory = try TemporaryDirectory(prefix: "scenario")
        let written = try ScenarioWriter(directory: directory.path, format: .csv).write(generator)
        #expect(written.groupsFile == "truth-groups.csv")
        let rows = directory.read("truth-groups.csv")!.split(separator: "\n").map(String.init)
        #expect(rows == ["customer,group"] + customers.map { "\($0.0.label),\($0.0.group!)" })
        #expect(plain.truth.groups == nil)
        #expect(try ScenarioTruth.decode(directory.read("truth.json")!) == written)
        // The CSV carries the planted traits, read back as the generator made them.
        let (events, problems) = try readAll(directory.path("events.csv"))
        #expect(problems.isEmpty)
        #expect(events.filter { $0.traits["market"] != nil }.count == identified)
    }

    @Test("the identifiers file lists every customer's normalised identifiers")
    func identifiersFile() throws {
        let directory = try TemporaryDirectory(prefix: "scenario")
        let generator = ScenarioGenerator(template: .leadGen, customers: 2_200, seed: 1)
        var expected: [String] = ["customer,identifier"]
        _ = generator.run(customer: { customer in expected += customer.identifiers.map { "\(customer.label),\($0)" } }, event: { _ in })
        let truth = try ScenarioWriter(directory: directory.path, format: .ndjson).write(generator)
        #expect(truth.identifiersFile == "truth-identifiers.csv")
        #expect(directory.read("truth-identifiers.csv")!.split(separator: "\n").map(String.init) == expected)
        #expect(expected.dropFirst().allSatisfy { $0.hasPrefix("c0") })
        let decoded = try ScenarioTruth.decode(directory.read("truth.json")!)
        #expect(decoded == truth)
    }
}

@Suite("Scenario rules")
struct ScenarioRuleTests {
    static func workspace(_ rules: [EventMatch], personaTraits: [FieldCondition] = [FieldCondition(path: "plan", condition: .equals(.string("pro")))]) -> Workspace {
        let touchpoints = rules.enumerated().map { index, rule in
            Touchpoint(id: "t\(index)", name: "Touchpoint \(index)", stage: Stage.defaults[min(index, 4)].id, channel: "web", match: rule)
        }
        let persona = Persona(id: "p", name: "P", channels: ["web"], match: PersonaMatch(traits: personaTraits))
        return Workspace(personas: [persona], journeys: [JourneyMap(id: "j", title: "J", personas: ["p"], goal: "t0", touchpoints: touchpoints)])
    }

    @Test("events are synthesised for regular expressions", arguments: [
        #"^GB-[A-Z]{3}-\d{2}$"#, "(?i)(it|technology|finance)", #"^https://(www\.)?(google|bing)\."#, #"^[a-z0-9._%+-]+@example\.(com|org)$"#,
        #"^\+44 ?7\d{3} ?\d{6}$"#, "colou?r", "^(?:ab|cd)+x*$", "[^0-9]{2,4}", "a.c", #"^\w+\s\d$"#, "^/(clinics|practitioners)/",
        #"^3\."#, "^[A-Z][a-z]{2,5}-[0-9]{4}$",
    ])
    func regex(pattern: String) {
        let workspace = Self.workspace([EventMatch(event: "Visited", properties: [FieldCondition(path: "code", condition: .comparison(.regex, .string(pattern)))])],
                                       personaTraits: [FieldCondition(path: "role", condition: .comparison(.regex, .string(pattern)))])
        let generator = try! ScenarioGenerator(workspace: workspace, scenario: "regex", customers: 60, seed: 1)
        #expect(generator.unreachableTouchpoints.isEmpty)
        let regex = try! NSRegularExpression(pattern: pattern)
        var codes = 0, roles = 0
        _ = generator.run { event in
            if let code = event.properties["code"]?.text {
                codes += 1
                #expect(regex.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil, "\(code)")
            }
            if let role = event.traits["role"]?.text {
                roles += 1
                #expect(regex.firstMatch(in: role, range: NSRange(role.startIndex..., in: role)) != nil, "\(role)")
            }
        }
        #expect(codes > 0 && roles > 0)
    }

    @Test("shadowed and unsatisfiable touchpoints are declared unreachable and get no events")
    func unreachable() {
        let rule = EventMatch(event: "Order Completed", properties: [FieldCondition(path: "total", condition: .comparison(.gte, .number(10)))])
        let workspace = Self.workspace([
            rule,
            EventMatch(event: "Order Completed", properties: [FieldCondition(path: "total", condition: .comparison(.gte, .number(20)))]),
            EventMatch(event: "Lookahead", properties: [FieldCondition(path: "x", condition: .comparison(.regex, .string("^(?=a)b")))]),
            EventMatch(event: "Range", properties: [FieldCondition(path: "n", condition: .comparison(.gt, .number(5))),
                                                    FieldCondition(path: "n", condition: .comparison(.lt, .number(3)))]),
            EventMatch(event: "Fine", type: .page),
        ])
        let generator = try! ScenarioGenerator(workspace: workspace, scenario: "rules", customers: 200, seed: 2)
        let unreachable = Dictionary(uniqueKeysWithValues: generator.unreachableTouchpoints.map { ($0.touchpoint, $0.reason) })
        #expect(Set(unreachable.keys) == ["t1", "t2", "t3"])
        #expect(unreachable["t1"]?.contains("shadowed by 't0'") == true)
        let matcher = EventMatcher(journey: generator.journey)
        var hits = Set<Int>()
        let truth = generator.run { event in if let index = matcher.classify(event) { hits.insert(index) } }
        #expect(hits == [0, 4])
        #expect(truth.unreachableTouchpoints.map(\.touchpoint) == ["t1", "t2", "t3"])
    }

    @Test("a workspace without a current-state map is refused with a reason")
    func noCurrentMap() {
        let workspace = Workspace(journeys: [JourneyMap(id: "f", title: "F", state: .future)])
        #expect(throws: ScenarioGenerator.Failure.self) { try ScenarioGenerator(workspace: workspace, scenario: "x", customers: 1) }
    }
}
