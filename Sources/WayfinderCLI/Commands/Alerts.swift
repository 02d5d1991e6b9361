import ArgumentParser
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore

extension AlertRule.Kind: ExpressibleByArgument {}
extension AlertDelivery.Status: ExpressibleByArgument {}

extension Wayfinder {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and remove alert rules on a journey map, and read their delivery log.",
            discussion: """
            While 'wayfinder serve' runs, every collected event is checked against the rules of the maps in the store, and an alert is posted as JSON to the rule's URL, signed with HMAC-SHA256 and retried with back-off (up to 8 attempts over one to two hours). Rules apply to events the server collects after they were added (not to files loaded with 'wayfinder import').

            Rule kinds:
              negative-feedback    a customer gives a negative answer (NPS 0-6, CSAT 1-2, CES 5-7) at a touchpoint;
                                   --touchpoint limits it to those touchpoints
              stage-stay           a customer has stayed in a stage (--stage, or any) more than --days days without
                                   moving on; checked every minute, once per customer per stage entry
              friction-touchpoint  a customer has an event at one of the --touchpoint touchpoints, or at those of the
                                   top N findings of 'wayfinder analyze friction' with --from-friction N
              at-risk              a customer becomes at risk: an event moves them to one of the --touchpoint
                                   touchpoints from outside them; --from-odds takes the touchpoints whose odds of
                                   reaching the goal 'wayfinder analyze next-best' puts under --risk-below (default:
                                   half the odds at the start)

            Signature: each POST carries X-Wayfinder-Timestamp (unix seconds), X-Wayfinder-Delivery (the delivery number) and X-Wayfinder-Signature: sha256=HEX, HEX being HMAC-SHA256 with the rule's secret over "TIMESTAMP.BODY" (the exact bytes of the body). Refuse timestamps more than 5 minutes old.

            Examples:
              wayfinder alerts add --db wayfinder.db --workspace shop --map first-purchase --kind negative-feedback --url https://hooks.example.com/wayfinder
              wayfinder alerts add --db wayfinder.db --workspace shop --map first-purchase --kind stage-stay --stage decision --days 7 --url https://hooks.example.com/wayfinder
              wayfinder alerts add --db wayfinder.db --workspace shop --map first-purchase --kind friction-touchpoint --touchpoint checkout --touchpoint returns --url https://hooks.example.com/wayfinder
              wayfinder alerts add --db wayfinder.db --workspace shop --map first-purchase --kind at-risk --from-odds --risk-below 0.2 --url https://hooks.example.com/wayfinder
              wayfinder alerts list --db wayfinder.db
              wayfinder alerts deliveries --db wayfinder.db --status failed
              wayfinder alerts redeliver --db wayfinder.db 12
              wayfinder alerts remove --db wayfinder.db 3
            """,
            subcommands: [Add.self, List.self, Remove.self, Deliveries.self, Redeliver.self]
        )
    }
}

extension Wayfinder.Alerts {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a rule and print its signing secret, once.",
            discussion: "Without --secret a random one (whsec_…) is made and printed only now; with --secret, give 16 to 200 characters. Exit status: 0 added, 1 refused (unknown map, touchpoint or stage) or the store failed, 2 usage error.")

        @Option(help: "The store (a SQLite file that holds the map).") var db = "wayfinder.db"
        @Option(help: "The workspace of the map.") var workspace: String
        @Option(help: "The journey map's id.") var map: String
        @Option(help: ArgumentHelp("negative-feedback, stage-stay, friction-touchpoint or at-risk.", valueName: "kind")) var kind: AlertRule.Kind
        @Option(help: ArgumentHelp("The http or https URL that receives the alerts.", valueName: "url")) var url: String
        @Option(help: ArgumentHelp("The HMAC-SHA256 signing secret (default: a new random one).", valueName: "secret")) var secret: String?
        @Option(help: "A name to tell the rule by.") var name = ""
        @Option(name: .customLong("touchpoint"), help: ArgumentHelp("A touchpoint id; repeat for more. The friction touchpoints, or a filter for negative feedback.", valueName: "id"))
        var touchpoints: [String] = []
        @Option(name: .customLong("from-friction"),
                help: ArgumentHelp("friction-touchpoint: the touchpoints of the N top-ranked findings of 'wayfinder analyze friction' over the store's events now (with any --touchpoint added); the list is fixed when the rule is added.", valueName: "n"))
        var fromFriction: Int?
        @Flag(name: .customLong("from-odds"),
              help: "at-risk: the touchpoints whose odds of reaching the goal ('wayfinder analyze next-best' over the store's events now) are under --risk-below; the list is fixed when the rule is added.")
        var fromOdds = false
        @Option(help: ArgumentHelp("at-risk with --from-odds: the odds under which a touchpoint puts customers at risk, 0 to 1 (default: half the odds at the start).", valueName: "odds"))
        var riskBelow: Double?
        @Option(help: ArgumentHelp("stage-stay: the stage id (default: any stage).", valueName: "id")) var stage: String?
        @Option(help: ArgumentHelp("stage-stay: days in the stage before the alert.", valueName: "days")) var days: Double?
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func validate() throws {
            if kind == .stageStay, days == nil { throw ValidationError("a stage-stay rule needs --days, such as --days 7.") }
            if kind == .stageStay, let days, !AlertRule.acceptsStageStay(days: days) {
                throw ValidationError("--days takes the days a customer may stay in the stage, more than 0 and at most \(Int(AlertRule.maximumStageStayDays)), such as 7; got \(days).")
            }
            if kind != .stageStay, days != nil || stage != nil { throw ValidationError("--days and --stage belong to --kind stage-stay only.") }
            if kind == .frictionTouchpoint, touchpoints.isEmpty, fromFriction == nil {
                throw ValidationError("a friction-touchpoint rule needs at least one --touchpoint, such as --touchpoint checkout, or --from-friction 3.")
            }
            if let fromFriction, kind != .frictionTouchpoint || !(1...20).contains(fromFriction) {
                throw ValidationError("--from-friction takes 1 to 20 findings, with --kind friction-touchpoint only.")
            }
            if kind == .stageStay, !touchpoints.isEmpty { throw ValidationError("--touchpoint does not apply to stage-stay rules; use --stage.") }
            if kind == .atRisk, touchpoints.isEmpty, !fromOdds {
                throw ValidationError("an at-risk rule needs --from-odds (the touchpoints whose odds are under --risk-below) or at least one --touchpoint.")
            }
            if fromOdds || riskBelow != nil, kind != .atRisk { throw ValidationError("--from-odds and --risk-below belong to --kind at-risk only.") }
            if let riskBelow, !(riskBelow.isFinite && (0...1).contains(riskBelow)) {
                throw ValidationError("--risk-below takes odds from 0 to 1, such as 0.2; got \(riskBelow).")
            }
        }

        func run() async throws {
            let store = try openAlertStore(db)
            var touchpoints = self.touchpoints
            if let fromFriction {
                for touchpoint in try await frictionTouchpoints(store, top: fromFriction) where !touchpoints.contains(touchpoint) { touchpoints.append(touchpoint) }
            }
            if fromOdds {
                for touchpoint in try await riskyTouchpoints(store) where !touchpoints.contains(touchpoint) { touchpoints.append(touchpoint) }
            }
            let created: NewAlertRule
            do {
                created = try await store.addAlertRule(AlertRuleDraft(workspace: workspace, map: map, kind: kind, url: url, secret: secret, name: name,
                                                                      touchpoints: touchpoints, stage: stage, days: days))
            } catch { throw CommandFailure(message: error.description) }
            switch format {
            case .json:
                struct Output: Encodable { var rule: AlertRule; var secret: String }
                Console.out(try alertJSON(Output(rule: created.rule, secret: created.secret)))
            case .text:
                Console.out("Added alert rule \(created.rule.id) (\(created.rule.kind.rawValue)) on map '\(map)' in \(db).")
                if fromFriction != nil { Console.out("Friction touchpoints: \(created.rule.touchpoints.joined(separator: ", ")).") }
                if fromOdds { Console.out("At-risk touchpoints: \(created.rule.touchpoints.joined(separator: ", ")).") }
                if secret == nil {
                    Console.out("Its signing secret, shown only now (give it to the receiver to check X-Wayfinder-Signature):")
                    Console.out("  \(created.secret)")
                }
                Console.out("Alerts go out while 'wayfinder serve --db \(db)' runs.")
            }
        }
    }

}

extension Wayfinder.Alerts.Add {
    /// The output of `query` over the store's events of the map.
    func analysis(_ store: JourneyStore, _ query: AnalysisQuery) async throws -> AnalysisOutput {
        let stored: Workspace
        do { stored = try await store.exportWorkspace(workspace) } catch { throw CommandFailure(message: error.description) }
        guard let journey = stored.journeys.first(where: { $0.id == map }) else {
            throw CommandFailure(message: "map: workspace '\(workspace)' has no map '\(map)'; list its maps, or load them with 'wayfinder serve --workspace'")
        }
        do {
            let data = try await store.workspaceData(workspace)
            let index = try IndexBuilder(workspace: stored, journey: journey, request: IndexRequest(queries: [query], workspace: stored)).build(from: data) { _, _ in }
            return try Analyzer.run(query, on: index)
        } catch {
            throw CommandFailure(message: "\(db): the \(query.kind.rawValue) analysis failed (\(error)); give the touchpoints with --touchpoint instead")
        }
    }

    /// The touchpoints whose odds of reaching the goal are under --risk-below (or half the odds at the start).
    func riskyTouchpoints(_ store: JourneyStore) async throws -> [String] {
        var query = AnalysisQuery(kind: .nextBest, journey: map)
        query.options.riskBelow = riskBelow
        query.options.limit = 0
        let result = try await analysis(store, query).nextBest!
        let found = result.touchpoints.filter { $0.odds < result.riskBelow }.map(\.id)
        if found.isEmpty {
            throw CommandFailure(message: "\(db): no touchpoint of map '\(map)' has odds under \(result.riskBelow) in the stored events; raise --risk-below or give the touchpoints with --touchpoint")
        }
        return found
    }

    /// The distinct touchpoints of the top friction findings (a transition counts by its target).
    func frictionTouchpoints(_ store: JourneyStore, top: Int) async throws -> [String] {
        let result = try await analysis(store, AnalysisQuery(kind: .friction, journey: map)).friction!
        var found: [String] = []
        for finding in result.findings.sorted(by: { $0.rank < $1.rank }) {
            guard let touchpoint = finding.touchpoint ?? finding.to, !found.contains(touchpoint) else { continue }
            found.append(touchpoint)
            if found.count == top { break }
        }
        if found.isEmpty {
            throw CommandFailure(message: "\(db): the friction analysis of map '\(map)' finds no friction in the stored events yet; give the touchpoints with --touchpoint")
        }
        return found
    }
}

extension Wayfinder.Alerts {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rules (never their secrets).")

        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: "Only the rules of this workspace.") var workspace: String?
        @Option(help: "Only the rules of this map.") var map: String?
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func run() async throws {
            let store = try openAlertStore(db)
            let rules: [AlertRule]
            do { rules = try await store.alertRules(workspace: workspace, map: map) } catch { throw CommandFailure(message: error.description) }
            switch format {
            case .json:
                struct Output: Encodable { var rules: [AlertRule] }
                Console.out(try alertJSON(Output(rules: rules)))
            case .text:
                guard !rules.isEmpty else {
                    Console.out("No alert rules in \(db); add one with 'wayfinder alerts add --db \(db) --workspace W --map M --kind negative-feedback --url URL'.")
                    return
                }
                for rule in rules {
                    var what = rule.kind.rawValue
                    if rule.kind == .stageStay { what += " \(rule.stage ?? "any stage") > \(rule.days.map { "\($0)" } ?? "?") days" }
                    if !rule.touchpoints.isEmpty { what += " at \(rule.touchpoints.joined(separator: ", "))" }
                    Console.out("\(rule.id)\t\(rule.workspace)/\(rule.map)\t\(what)\t\(rule.url)\t\(rule.enabled ? "on" : "off")\(rule.name.isEmpty ? "" : "\t\(rule.name)")")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule with its deliveries and their log.")

        @Option(help: "The store.") var db = "wayfinder.db"
        @Argument(help: "The rule's number, as 'alerts list' shows it.") var id: Int64

        func run() async throws {
            let store = try openAlertStore(db)
            do { try await store.removeAlertRule(id: id) } catch { throw CommandFailure(message: error.description) }
            Console.out("Removed alert rule \(id).")
        }
    }

    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The delivery log: alerts enqueued, their status and attempts, newest first.",
            discussion: "Text output shows one line a delivery (number, rule, status, attempts, next attempt); --attempts adds each attempt's time, status code or error and duration. JSON output includes each body.")

        @Option(help: "The store.") var db = "wayfinder.db"
        @Option(help: "Only the deliveries of this rule.") var rule: Int64?
        @Option(help: "Only pending, delivered or failed deliveries.") var status: AlertDelivery.Status?
        @Option(help: "At most this many.") var limit = 50
        @Flag(help: "Show every attempt.") var attempts = false
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text

        func run() async throws {
            let store = try openAlertStore(db)
            do {
                let deliveries = try await store.alertDeliveries(rule: rule, status: status, limit: limit)
                let attemptsByDelivery = attempts || format == .json ? try await store.alertAttempts(deliveries: deliveries.map(\.id)) : [:]
                let logs = deliveries.map { attemptsByDelivery[$0.id] ?? [] }
                switch format {
                case .json:
                    struct Entry: Encodable { var delivery: AlertDelivery; var attempts: [AlertAttempt] }
                    struct Output: Encodable { var deliveries: [Entry] }
                    Console.out(try alertJSON(Output(deliveries: zip(deliveries, logs).map { Entry(delivery: $0, attempts: $1) })))
                case .text:
                    if deliveries.isEmpty { Console.out("No alert deliveries\(status.map { " \($0.rawValue)" } ?? "") in \(db).") }
                    for (delivery, log) in zip(deliveries, logs) {
                        Console.out("\(delivery.id)\trule \(delivery.rule)\t\(delivery.status.rawValue)\t\(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")\t\(delivery.nextAttemptAt.map { "next \($0)" } ?? delivery.deliveredAt.map { "delivered \($0)" } ?? "")")
                        for attempt in log {
                            Console.out("  #\(attempt.number)\t\(attempt.startedAt)\t\(attempt.statusCode.map { "HTTP \($0)" } ?? attempt.error ?? "-")\t\(attempt.durationMilliseconds) ms")
                        }
                    }
                }
            } catch let error as WorkspaceStoreError {
                throw CommandFailure(message: error.description)
            }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a delivery again (same body, new round of attempts) by the running server.")

        @Option(help: "The store.") var db = "wayfinder.db"
        @Argument(help: "The delivery's number, as 'alerts deliveries' shows it.") var id: Int64

        func run() async throws {
            let store = try openAlertStore(db)
            do { _ = try await store.redeliverAlert(id: id) } catch { throw CommandFailure(message: error.description) }
            Console.out("Delivery \(id) is pending again; 'wayfinder serve --db \(db)' sends it.")
        }
    }
}

private func openAlertStore(_ db: String) throws -> JourneyStore {
    guard FileManager.default.fileExists(atPath: db) else {
        throw CommandFailure(message: "\(db): no store here; load a map first with 'wayfinder serve --db \(db) --workspace maps' or 'wayfinder import'")
    }
    do { return try JourneyStore(path: db) } catch { throw CommandFailure(message: error.description) }
}

private func alertJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
