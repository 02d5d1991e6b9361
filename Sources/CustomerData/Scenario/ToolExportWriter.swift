import Foundation
import JourneyModel

/// Writes the omnichannel scenario as the exports of the tools a team already uses, each in the
/// vendor's own format, so that `wayfinder import` reads them unchanged with its presets:
///
/// | file | tool | what it holds |
/// | --- | --- | --- |
/// | `ga4-events.ndjson` | Google Analytics 4 (BigQuery export) | page views, sign-ups, logins on a second device, purchases, referrals |
/// | `hubspot-contacts.csv` | HubSpot contacts | one contact a sign-up: e-mail, phone, job title (the persona), user id, Twitter handle |
/// | `mailchimp-activity.ndjson` | Mailchimp email activity | onboarding clicks and monthly e-mail opens |
/// | `zendesk-tickets.csv` | Zendesk tickets | bank feed and quarter-end tickets, solved, some rated |
/// | `typeform-responses.csv` | Typeform responses | the NPS survey, with the user id and e-mail as hidden fields |
/// | `social-mentions.csv` | a social listening tool | mentions on X by the customers' handles |
///
/// Customers follow the ``WorkspaceTemplate/omnichannel`` map stage by stage, with its planted
/// friction and drop-off. Every event is counted from the plan (the touchpoint each row was written
/// for), not by reading the files back, into the same ``ScenarioTruth`` as the other scenarios,
/// and `truth-identifiers.csv` lists the identifiers each customer's rows carry, normalised, so
/// that importing every file can be checked to stitch each customer into one.
public struct ToolExportWriter: Sendable {
    /// The files written, in the order the summary lists them.
    public static let files = [ga4File, hubspotFile, mailchimpFile, zendeskFile, typeformFile, socialFile]
    public static let ga4File = "ga4-events.ndjson"
    public static let hubspotFile = "hubspot-contacts.csv"
    public static let mailchimpFile = "mailchimp-activity.ndjson"
    public static let zendeskFile = "zendesk-tickets.csv"
    public static let typeformFile = "typeform-responses.csv"
    public static let socialFile = "social-mentions.csv"
    /// The survey's score question: `wayfinder import --question` names it.
    public static let npsQuestion = "How likely are you to recommend Ledgerly to a friend or colleague?"
    /// The survey's free-text question: `wayfinder import --comment` names it.
    public static let commentQuestion = "What is the main reason for your score?"
    /// Mailchimp campaign ids of the onboarding series and the monthly tips e-mail.
    static let onboardingCampaign = "7d1f3a9c42", monthlyCampaign = "b52e90f613", listID = "4ca5becb8d"
    static let site = "https://ledgerly.example"

    /// The folder written to (created when missing).
    public let directory: String

    /// Creates a writer.
    public init(directory: String) {
        self.directory = directory
    }

    /// Why the scenario's workspace cannot be written as tool exports: the touchpoints it lacks.
    static func missingTouchpoints(in plan: ScenarioPlan) -> [String] {
        let ids = Set(plan.journey.touchpoints.indices.filter { !plan.pools[$0].isEmpty }.map { plan.journey.touchpoints[$0].id })
        return Touchpoints.names.filter { !ids.contains($0) }
    }

    /// Generates the omnichannel scenario's customers and writes every export, the truth and the
    /// identifiers; returns the truth.
    public func write(_ generator: ScenarioGenerator, progress: (ScenarioWriter.Progress) -> Void = { _ in }) throws(ScenarioWriter.Failure) -> ScenarioTruth {
        let missing = Self.missingTouchpoints(in: generator.plan)
        guard missing.isEmpty else {
            throw ScenarioWriter.Failure(path: directory, reason: "the map '\(generator.journey.id)' lacks the touchpoints the tool exports are written for: \(missing.joined(separator: ", "))")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ScenarioWriter.Failure(path: directory, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let touchpoints = Touchpoints(plan: generator.plan)
        var exports = Exports()
        let outputs = try Self.files.map { name throws(ScenarioWriter.Failure) in try OutputFile(path: path(name)) }
        let identifiers = try OutputFile(path: path(ScenarioWriter.identifiersFile))
        var identifierText: [UInt8] = Array("customer,identifier\n".utf8)
        var tally = ScenarioTally(plan: generator.plan, window: ScenarioGenerator.window)
        var written = ScenarioWriter.Progress(customers: 0, events: 0)
        exports.writeHeaders()

        for index in 0..<generator.customers {
            var customer = ExportCustomer(index: index, generator: generator, touchpoints: touchpoints)
            customer.simulate(into: &exports)
            let persona = customer.persona
            for planned in customer.planned.sorted(by: { $0.event.time < $1.event.time }) {
                tally.record(planned.event, kind: planned.kind)
            }
            let found = customer.identifiers
            tally.finishCustomer(persona: persona, identifiers: found, devices: customer.devicesUsed)
            for identifier in found {
                identifierText.append(contentsOf: "\(customer.identity.label),\(identifier)\n".utf8)
            }
            written.customers += 1
            written.events += customer.planned.count
            try identifiers.writeIfFull(&identifierText)
            for (file, output) in outputs.enumerated() { try output.writeIfFull(&exports.buffers[file]) }
            if written.customers % 2048 == 0 { progress(written) }
        }
        for (file, output) in outputs.enumerated() { try output.close(writing: &exports.buffers[file]) }
        try identifiers.close(writing: &identifierText)
        progress(written)

        var truth = tally.truth(scenario: generator.scenario, seed: generator.seed)
        truth.format = "exports"
        truth.files = Dictionary(uniqueKeysWithValues: zip(Self.files, exports.events))
        truth.identifiersFile = ScenarioWriter.identifiersFile
        let truthFile = try OutputFile(path: path(ScenarioWriter.truthFile))
        var truthText = Array(truth.json.utf8)
        try truthFile.close(writing: &truthText)
        return truth
    }

    /// The omnichannel map's touchpoints by id.
    struct Touchpoints {
        static let names = ["search-guide", "social-ad", "pricing-page", "feature-tour", "trial-started", "onboarding-email", "bank-feed-ticket",
                            "subscription-purchased", "monthly-tips-email", "support-ticket", "ticket-rated", "nps-survey", "social-mention", "referral-sent"]
        let searchGuide, socialAd, pricingPage, featureTour, trialStarted, onboardingEmail, bankFeedTicket: Int
        let purchase, monthlyEmail, supportTicket, ticketRated, npsSurvey, socialMention, referral: Int

        init(plan: ScenarioPlan) {
            let index = Dictionary(plan.journey.touchpoints.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
            let found = Self.names.map { index[$0]! }
            (searchGuide, socialAd, pricingPage, featureTour, trialStarted, onboardingEmail, bankFeedTicket) = (found[0], found[1], found[2], found[3], found[4], found[5], found[6])
            (purchase, monthlyEmail, supportTicket, ticketRated, npsSurvey, socialMention, referral) = (found[7], found[8], found[9], found[10], found[11], found[12], found[13])
        }
    }

    /// The rows of every export, buffered, and how many events each file's rows make.
    struct Exports {
        var buffers: [[UInt8]] = Array(repeating: [], count: ToolExportWriter.files.count)
        var events: [Int] = Array(repeating: 0, count: ToolExportWriter.files.count)

        enum File: Int { case ga4, hubspot, mailchimp, zendesk, typeform, social }

        static let hubspotColumns = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Job Title", "Lifecycle Stage",
                                     "Lead Status", "Create Date", "Last Activity Date", "Contact owner", "Country/Region", "Original Source",
                                     "Twitter Username", "User ID"]
        static let zendeskColumns = ["Summation column", "Id", "Requester", "Requester id", "Requester external id", "Requester email", "Requester domain",
                                     "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type", "Created at",
                                     "Updated at", "Assigned at", "Organization", "Due date", "Initially assigned at", "Solved at", "Resolution time",
                                     "Satisfaction Score", "Group stations", "Assignee stations", "Reopens", "Replies"]
        static let typeformColumns = ["#", ToolExportWriter.npsQuestion, ToolExportWriter.commentQuestion, "email", "user_id", "Response Type",
                                      "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags", "Ending"]
        static let socialColumns = ["Date", "Platform", "Author", "Author Name", "Text", "Link", "Followers", "Sentiment"]

        mutating func writeHeaders() {
            row(.hubspot, Self.hubspotColumns, events: 0)
            row(.zendesk, Self.zendeskColumns, events: 0)
            row(.typeform, Self.typeformColumns, events: 0)
            row(.social, Self.socialColumns, events: 0)
        }

        /// A CSV row that makes `events` events.
        mutating func row(_ file: File, _ cells: [String], events: Int) {
            for (position, cell) in cells.enumerated() {
                if position > 0 { buffers[file.rawValue].append(0x2C) }
                EventBytes.appendCell(cell, to: &buffers[file.rawValue])
            }
            buffers[file.rawValue].append(0x0A)
            self.events[file.rawValue] += events
        }

        /// A JSON line that makes `events` events.
        mutating func line(_ file: File, _ value: JSONValue, events: Int) {
            EventBytes.appendValue(value, to: &buffers[file.rawValue])
            buffers[file.rawValue].append(0x0A)
            self.events[file.rawValue] += events
        }
    }

    /// `2026-03-02 09:15:00`, Zendesk's, Typeform's and HubSpot's form (UTC); HubSpot's without seconds.
    static func spaced(_ milliseconds: Int64, seconds: Bool = true) -> String {
        let iso = Timestamp.iso8601(milliseconds - milliseconds % 1000)
        let text = iso.dropLast().replacingOccurrences(of: "T", with: " ")
        return seconds ? text : String(text.prefix(16))
    }

    /// `2026-03-02T09:15:00+00:00`, Mailchimp's form.
    static func offset(_ milliseconds: Int64) -> String {
        String(Timestamp.iso8601(milliseconds - milliseconds % 1000).dropLast()) + "+00:00"
    }
}

/// One customer of the omnichannel scenario: the journey simulated on the map, written row by row
/// into the exports, with what the tally needs.
struct ExportCustomer {
    typealias File = ToolExportWriter.Exports.File

    /// A browser with GA4's pseudo id.
    struct Browser {
        var pseudoID: String
        var mobile: Bool
        /// Whether its events carry the user id.
        var signedIn = false
        var used = false
    }

    let index: Int
    let plan: ScenarioPlan
    let touchpoints: ToolExportWriter.Touchpoints
    let persona: Int?
    let slot: Int
    var identity: CustomerIdentity
    var random: ScenarioRandom
    /// Every event written, as the tally counts it.
    var planned: [(event: PlannedEvent, kind: Event.Kind)] = []
    var browsers: [Browser] = []
    private var current = 0
    private var time: Int64
    private var signedUp = false
    private var purchased = false
    private var handle: String?
    private var jobTitle: String
    private var frictionSeen = false
    private var experienceSum = 0.0
    private var visits = 0
    private var tickets = 0
    private var campaignLines: [String: [JSONValue]] = [:]
    private var campaignOrder: [String] = []

    static let minute: Int64 = 60_000, hour: Int64 = 3_600_000, day: Int64 = 86_400_000

    init(index: Int, generator: ScenarioGenerator, touchpoints: ToolExportWriter.Touchpoints) {
        self.index = index
        plan = generator.plan
        self.touchpoints = touchpoints
        var random = ScenarioRandom(seed: generator.streamSeed ^ 0x746F_6F6C_7365_7870, stream: UInt64(index) + 1)
        slot = random.weighted(plan.personaWeights)
        persona = slot < plan.personas.count ? slot : nil
        identity = CustomerIdentity(index: index, keys: generator.keys, hasPhone: random.chance(0.45), using: &random)
        let traits = plan.traitSets[slot][random.below(plan.traitSets[slot].count)]
        jobTitle = traits["job_title"]?.text ?? ["", "", "Office administrator", "Student", "Retired"][random.below(5)]
        if random.chance(0.4) { handle = "@" + identity.firstName + identity.lastName + String(index + 1) }
        let startDay = Int64(random.below(ScenarioGenerator.arrivalDays))
        time = ScenarioGenerator.start + startDay * Self.day + Int64(random.int(in: 7 * 3600...22 * 3600)) * 1000
        self.random = random
        browsers.append(Browser(pseudoID: Self.pseudoID(UInt64(index) * 2, first: time), mobile: random.chance(0.5)))
    }

    /// GA4's `user_pseudo_id`: ten digits unique to the browser (an affine bijection of its number) and the first visit's second.
    static func pseudoID(_ number: UInt64, first: Int64) -> String {
        let digits = String((number % 10_000_000_000 &* 7_919_000_003 &+ 1_234_567_891) % 10_000_000_000)
        return String(repeating: "0", count: 10 - digits.count) + digits + "." + String(first / 1000)
    }

    var devicesUsed: Int { browsers.filter(\.used).count }

    /// The HubSpot record id of customer `index`.
    static func recordID(_ index: Int) -> Int { 51_000 + index }

    /// The normalised identifiers the customer's rows carry, sorted as ``Identifier`` sorts.
    var identifiers: [Identifier] {
        var found: [Identifier] = []
        if signedUp {
            found.append(Identifier(kind: .user, value: identity.userId))
            found.append(Identifier(kind: .email, value: identity.email))
            if let phone = identity.phone { found.append(Identifier(kind: .phone, value: "+44" + phone)) }
            found.append(Identifier(kind: .external, value: "hubspot:" + String(Self.recordID(index))))
            if let handle { found.append(Identifier(kind: .external, value: "twitter:" + handle.dropFirst().lowercased())) }
        }
        found += browsers.filter(\.used).map { Identifier(kind: .anonymous, value: $0.pseudoID) }
        return found.sorted()
    }

    // MARK: The journey

    mutating func simulate(into exports: inout ToolExportWriter.Exports) {
        let drop = plan.drops[slot]
        // Awareness: a guide from search or the Instagram ad, sometimes both.
        let awareness = choose(from: [touchpoints.searchGuide, touchpoints.socialAd], count: random.chance(0.3) ? 2 : 1)
        for touchpoint in awareness {
            if leaves(afterVisiting: touchpoint, exports: &exports) { return finish(&exports) }
            time += gap()
        }
        if random.chance(drop[0]) { return finish(&exports) }
        time += stageGap()
        // Consideration: features and prices, then the trial (which identifies the customer).
        for touchpoint in choose(from: [touchpoints.pricingPage, touchpoints.featureTour], count: random.chance(0.4) ? 2 : 1) {
            if leaves(afterVisiting: touchpoint, exports: &exports) { return finish(&exports) }
            time += gap()
        }
        if random.chance(drop[1]) { return finish(&exports) }
        signUp(&exports)
        time += stageGap()
        // Decision: the onboarding e-mail, a bank feed ticket, then the purchase or not.
        if random.chance(0.6) {
            email(touchpoints.onboardingEmail, campaign: ToolExportWriter.onboardingCampaign, action: "click", exports: &exports)
            time += gap()
        }
        if random.chance(0.25) {
            ticket(touchpoints.bankFeedTicket, group: "Bank feeds", rated: false, exports: &exports)
            time += gap()
        }
        if random.chance(drop[2] + (frictionSeen ? 0.15 : 0)) { return finish(&exports) }
        maybeSecondBrowser(&exports)
        ga4(touchpoints.purchase, name: "purchase", page: nil, params: [("currency", .string("GBP")), ("value", .number(Double([12, 24, 36][random.below(3)])))],
            ecommerce: true, exports: &exports)
        purchased = true
        if random.chance(CustomerJourney.leaveAfterGoal) { return finish(&exports) }
        time += stageGap()
        // Retention: the monthly e-mail and quarter-end support, at least one of them.
        let opens = random.chance(0.7)
        let writes = !opens || random.chance(0.3)
        if opens {
            email(touchpoints.monthlyEmail, campaign: ToolExportWriter.monthlyCampaign, action: "open", exports: &exports)
            time += gap()
        }
        if writes {
            ticket(touchpoints.supportTicket, group: ["Billing", "VAT", "Payroll"][random.below(3)], rated: random.chance(0.6), exports: &exports)
            time += gap()
        }
        if random.chance(drop[3]) { return finish(&exports) }
        time += stageGap()
        // Advocacy: the NPS survey, a mention on X, a referral; at least one of them.
        var advocated = false
        if random.chance(0.7) {
            survey(&exports)
            advocated = true
            time += gap()
        }
        if handle != nil, random.chance(0.5) {
            mention(&exports)
            advocated = true
            time += gap()
        }
        if !advocated || random.chance(0.25) {
            ga4(touchpoints.referral, name: "referral_sent", page: nil, params: [("method", .string("link"))], exports: &exports)
        }
        finish(&exports)
    }

    /// Distinct touchpoints, weighted by the persona's habits, in map order.
    private mutating func choose(from options: [Int], count: Int) -> [Int] {
        if count >= options.count { return options }
        let first = random.weighted(options.map { plan.habits[slot][$0] })
        return [options[first]]
    }

    /// Visits a web touchpoint (a page view); whether the customer leaves after its friction.
    private mutating func leaves(afterVisiting touchpoint: Int, exports: inout ToolExportWriter.Exports) -> Bool {
        let page = page(for: touchpoint)
        if random.chance(0.5) {
            ga4(nil, name: "session_start", page: nil, params: [("page_location", .string(ToolExportWriter.site + page.path))], exports: &exports)
            time += 1000 * Int64(random.int(in: 1...5))
        }
        ga4(touchpoint, name: "page_view", page: page, params: [], exports: &exports)
        return plan.isFriction[touchpoint] && random.chance(ScenarioPlan.plannedFrictionDropOff)
    }

    /// The page a web touchpoint shows: path, title, referrer and campaign parameters.
    private mutating func page(for touchpoint: Int) -> (path: String, title: String, params: [(String, JSONValue)]) {
        switch touchpoint {
        case touchpoints.searchGuide:
            let guides = [("/guides/making-tax-digital-for-sole-traders", "Making Tax Digital for sole traders"),
                          ("/guides/how-to-file-a-vat-return", "How to file a VAT return"),
                          ("/guides/expenses-you-can-claim", "Expenses you can claim")]
            let (path, title) = guides[random.below(guides.count)]
            let engine = random.chance(0.85) ? "https://www.google.com/" : "https://www.bing.com/"
            return (path, title + " | Ledgerly", [("page_referrer", .string(engine)), ("source", .string(engine.contains("google") ? "google" : "bing")),
                                                  ("medium", .string("organic"))])
        case touchpoints.socialAd:
            return ("/", "Ledgerly — bookkeeping for sole traders and bookkeepers",
                    [("source", .string("instagram")), ("medium", .string("paid_social")), ("campaign", .string("books-from-the-van"))])
        case touchpoints.pricingPage:
            return ("/pricing", "Plans and pricing | Ledgerly", [])
        default:
            let features = [("/features/bank-feeds", "Bank feeds"), ("/features/receipt-capture", "Receipt capture"), ("/features/tax-returns", "Tax returns")]
            let (path, title) = features[random.below(features.count)]
            return (path, title + " | Ledgerly", [])
        }
    }

    /// The trial sign-up: GA4's sign_up with the user id from then on, and the HubSpot contact.
    private mutating func signUp(_ exports: inout ToolExportWriter.Exports) {
        browsers[current].signedIn = true
        signedUp = true
        ga4(touchpoints.trialStarted, name: "sign_up", page: nil, params: [("method", .string(["email", "google", "apple"][random.weighted([0.6, 0.3, 0.1])]))],
            exports: &exports)
    }

    /// A third of customers sign in on a second browser later; GA4's login event links it.
    private mutating func maybeSecondBrowser(_ exports: inout ToolExportWriter.Exports) {
        guard browsers.count == 1, random.chance(0.35) else { return }
        browsers.append(Browser(pseudoID: Self.pseudoID(UInt64(index) * 2 + 1, first: time), mobile: !browsers[0].mobile, signedIn: true))
        current = 1
        ga4(nil, name: "login", page: nil, params: [("method", .string("email"))], exports: &exports)
        time += gap()
    }

    /// One GA4 event on the current browser, counted for `touchpoint` (nil: an event no rule selects).
    private mutating func ga4(_ touchpoint: Int?, name: String, page: (path: String, title: String, params: [(String, JSONValue)])?,
                              params extra: [(String, JSONValue)], ecommerce: Bool = false, exports: inout ToolExportWriter.Exports) {
        var browser = browsers[current]
        browser.used = true
        browsers[current] = browser
        let micros = time * 1000
        var params: [(String, JSONValue)] = [("ga_session_id", .number(Double(time / 1000 - time / 1000 % 1800)))]
        if let page {
            params.append(("page_location", .string(ToolExportWriter.site + page.path)))
            params.append(("page_title", .string(page.title)))
            params += page.params
        } else if !extra.contains(where: { $0.0 == "page_location" }) {
            params.append(("page_location", .string(ToolExportWriter.site + (name == "sign_up" ? "/signup" : "/app"))))
        }
        params += extra
        func typed(_ value: JSONValue) -> JSONValue {
            let member: (String, JSONValue)
            switch value {
            case .number(let number) where number == number.rounded(): member = ("int_value", .string(String(Int64(number))))
            case .number: member = ("double_value", value)
            default: member = ("string_value", value)
            }
            return .object(["string_value", "int_value", "float_value", "double_value"].map { $0 == member.0 ? member : ($0, .null) })
        }
        let transaction = "T-\(index + 1)-\(time / 1000)"
        let line: JSONValue = .object([
            ("event_date", .string(String(Timestamp.iso8601(time).prefix(10)).replacingOccurrences(of: "-", with: ""))),
            ("event_timestamp", .string(String(micros))),
            ("event_name", .string(name)),
            ("event_params", .array(params.map { .object([("key", .string($0.0)), ("value", typed($0.1))]) })),
            ("user_id", browser.signedIn ? .string(identity.userId) : .null),
            ("user_pseudo_id", .string(browser.pseudoID)),
            ("user_properties", .array([])),
            ("device", .object([("category", .string(browser.mobile ? "mobile" : "desktop")),
                                ("operating_system", .string(browser.mobile ? "iOS" : "Windows")),
                                ("language", .string("en-gb")),
                                ("web_info", .object([("browser", .string(browser.mobile ? "Safari" : "Chrome")), ("hostname", .string("ledgerly.example"))]))])),
            ("geo", .object([("country", .string("United Kingdom")), ("region", .string("England")), ("city", .string("Leeds"))])),
            ("traffic_source", .object([("name", .string("(direct)")), ("medium", .string("(none)")), ("source", .string("(direct)"))])),
            ("platform", .string("WEB")),
            ("ecommerce", ecommerce ? .object([("transaction_id", .string(transaction)), ("purchase_revenue", extra.first { $0.0 == "value" }?.1 ?? .null)]) : .null),
            ("batch_event_index", .string("0")),
        ])
        exports.line(.ga4, line, events: 1)
        let kind: Event.Kind = name == "page_view" ? .page : .track
        count(touchpoint, kind: kind)
    }

    /// Counts one event for the tally.
    private mutating func count(_ touchpoint: Int?, kind: Event.Kind, score: Int = -1, identify: Bool = false) {
        let action: PlannedEvent.Action
        if identify {
            action = .identify(device: 0, full: true)
        } else if let touchpoint {
            action = .visit(touchpoint: touchpoint, template: 0, score: score)
            visits += 1
            experienceSum += plan.experience[touchpoint]
            if plan.isFriction[touchpoint] { frictionSeen = true }
        } else {
            action = .noise(app: false, template: 0)
        }
        planned.append((PlannedEvent(time: time, action: action, carrier: .device(current, user: false, junk: 0)), kind))
    }

    /// A Mailchimp activity of a campaign (an open or a click), gathered into the recipient's line.
    private mutating func email(_ touchpoint: Int, campaign: String, action: String, exports: inout ToolExportWriter.Exports) {
        var activity: [(String, JSONValue)] = [("action", .string(action)), ("timestamp", .string(ToolExportWriter.offset(time))), ("ip", .string("198.51.100.\(index % 250 + 1)"))]
        if action == "click" { activity.insert(("url", .string(ToolExportWriter.site + "/app/bank-connection?utm_source=mailchimp&utm_campaign=onboarding")), at: 2) }
        if campaignLines[campaign] == nil { campaignOrder.append(campaign) }
        campaignLines[campaign, default: []].append(.object(activity))
        count(touchpoint, kind: .track)
    }

    /// A Zendesk ticket: created (the touchpoint), solved some hours later (an event no rule
    /// selects), and maybe rated (the ticket-rated touchpoint) after that.
    private mutating func ticket(_ touchpoint: Int, group: String, rated: Bool, exports: inout ToolExportWriter.Exports) {
        tickets += 1
        let id = 10_000 + index * 8 + tickets
        let created = time
        count(touchpoint, kind: .track)
        time += Int64(random.logUniform(0.5, 30) * Double(Self.hour)) / 1000 * 1000
        let solved = time
        count(nil, kind: .track)
        var score = ""
        var updated = solved
        if rated {
            time += Int64(random.int(in: 2...240)) * Self.minute
            updated = time
            let experience = plan.experience[touchpoint]
            let good = FeedbackModel.score(.csat, experience: experience, friction: frictionSeen, using: &random) >= 3
            score = good ? (random.chance(0.2) ? "Good with comment" : "Good") : (random.chance(0.4) ? "Bad with comment" : "Bad")
            count(touchpoints.ticketRated, kind: .feedback, score: good ? 5 : 1)
        } else {
            score = random.chance(0.5) ? "Unoffered" : "Offered"
        }
        let subjects = group == "Bank feeds"
            ? ["Bank feed not connecting", "My bank is not in the list", "Feed stopped updating after 3 days"]
            : ["Question about my \(group) settings", "\(group): deadline on Friday", "Help with \(group.lowercased())"]
        let via = ["Chat", "Web form", "Email", "Web Widget"][random.below(4)]
        let email = identity.email(variant: random.below(5))
        let domain = String(identity.email.split(separator: "@").last ?? "")
        let external = random.chance(0.7) ? identity.userId : ""
        let hours = String(max(1, (solved - created) / Self.hour))
        exports.row(.zendesk, ["", String(id), "\(identity.firstName) \(identity.lastName)", String(380_000_000 + index), external, email, domain,
                               "\(identity.firstName) \(identity.lastName)", "Support Agent", group, subjects[random.below(subjects.count)],
                               group.lowercased().replacingOccurrences(of: " ", with: "_"), "Solved", "Normal", via, "Question",
                               ToolExportWriter.spaced(created), ToolExportWriter.spaced(updated), ToolExportWriter.spaced(created + 5 * Self.minute), "", "",
                               ToolExportWriter.spaced(created + 5 * Self.minute), ToolExportWriter.spaced(solved), hours, score, "1", "1", "0", "2"],
                    events: rated ? 3 : 2)
    }

    /// A Typeform NPS response with the user id and e-mail as hidden fields, sometimes a comment.
    private mutating func survey(_ exports: inout ToolExportWriter.Exports) {
        let experience = visits > 0 ? experienceSum / Double(visits) : 0.5
        let score = FeedbackModel.score(.nps, experience: experience, friction: frictionSeen, using: &random)
        let comment = random.chance(0.5) ? FeedbackModel.comments[FeedbackModel.comment(experience: experience, friction: frictionSeen, using: &random)] : ""
        let started = time - Int64(random.int(in: 20...300)) * 1000
        let token = IdToken.base36(IdToken.mix(UInt64(index) ^ 0x7479_7065_666F_726D), width: 13) + IdToken.base36(UInt64(index) &+ 0x5F3A_9C41_0000, width: 19)
        exports.row(.typeform, [token, String(score), comment, identity.email(variant: random.below(3) == 0 ? 1 : 0), identity.userId, "completed",
                                ToolExportWriter.spaced(started), "", ToolExportWriter.spaced(time), IdToken.base36(UInt64(index) &* 0x9E37, width: 10), "", "default_tys"],
                    events: 1)
        count(touchpoints.npsSurvey, kind: .feedback, score: score)
    }

    /// A mention on X by the customer's handle, its tone following the experience.
    private mutating func mention(_ exports: inout ToolExportWriter.Exports) {
        guard let handle else { return }
        let experience = visits > 0 ? experienceSum / Double(visits) : 0.5
        let happy = experience - (frictionSeen ? 0.35 : 0) + (random.unit() - 0.5) * 0.3 > 0.5
        let texts = happy
            ? ["VAT return done in ten minutes with @Ledgerly, from the van!", "Finally sorted my books. @Ledgerly bank feed just works."]
            : ["@Ledgerly my bank feed has been broken for a week, quarter-end is Friday.", "Still waiting on @Ledgerly support, not impressed."]
        let platform = random.chance(0.5) ? "X (Twitter)" : "X"
        let status = 1_890_000_000_000_000_000 + UInt64(index) * 16 + UInt64(planned.count % 16)
        exports.row(.social, [Timestamp.iso8601(time), platform, random.chance(0.5) ? handle : String(handle.dropFirst()), "\(identity.firstName) \(identity.lastName)",
                              texts[random.below(texts.count)], "https://x.com/\(handle.dropFirst())/status/\(status)", String(random.int(in: 20...5000)),
                              happy ? "positive" : "negative"], events: 1)
        count(touchpoints.socialMention, kind: .feedback)
    }

    /// The customer's HubSpot contact and Mailchimp lines, written once the journey is over.
    private mutating func finish(_ exports: inout ToolExportWriter.Exports) {
        if signedUp {
            // The contact is created with the sign-up; its identify event is counted at that time.
            let created = planned.first { if case .visit(let touchpoint, _, _) = $0.event.action { touchpoint == touchpoints.trialStarted } else { false } }?.event.time ?? time
            let phone = identity.phone(variant: random.below(5)) ?? ""
            exports.row(.hubspot, [String(Self.recordID(index)), identity.firstName, identity.lastName, identity.email(variant: 0), phone, "", jobTitle,
                                   purchased ? "customer" : "lead", purchased ? "" : "Open", ToolExportWriter.spaced(created + Self.minute, seconds: false), "",
                                   "Sam Owner", "United Kingdom", ["Organic Search", "Paid Social", "Direct Traffic"][random.below(3)], handle ?? "", identity.userId],
                        events: 1)
            let now = time
            time = created + Self.minute - (created + Self.minute) % Self.minute
            count(nil, kind: .identify, identify: true)
            time = now
        }
        for campaign in campaignOrder {
            let activity = campaignLines[campaign] ?? []
            let emailID = IdToken.base36(IdToken.mix(UInt64(index) ^ ScenarioGenerator.nameHash(campaign)), width: 13)
            exports.line(.mailchimp, .object([("campaign_id", .string(campaign)), ("list_id", .string(ToolExportWriter.listID)), ("list_is_active", .bool(true)),
                                               ("email_id", .string(emailID)), ("email_address", .string(identity.email)), ("activity", .array(activity))]),
                         events: activity.count)
        }
    }

    private mutating func gap() -> Int64 { Int64(random.logUniform(3, 240) * Double(Self.minute)) / 1000 * 1000 }

    private mutating func stageGap() -> Int64 { Int64(random.logUniform(2, 72) * Double(Self.hour)) / 1000 * 1000 }
}
