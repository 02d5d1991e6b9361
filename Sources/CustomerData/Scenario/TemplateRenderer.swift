import JourneyModel

/// Writes planned events straight from pre-rendered text, without building an ``Event``.
///
/// A template's JSON and CSV text is rendered once (through ``EventBytes``, so it is the same text),
/// with gaps for what differs per event: unique slot values, names. Each event then adds only its
/// ids and timestamp. The output is byte for byte what ``EventBytes`` writes for the event
/// ``ScenarioGenerator/event(_:identity:traits:ordinal:)`` builds; tests read both back and compare.
struct TemplateRenderer: Sendable {
    /// Text with gaps.
    struct Fragment: Sendable {
        var segments: [[UInt8]]
        /// For slot gaps: the id prefix written before the unique part.
        var prefixes: [[UInt8]] = []

        init() { segments = [[]] }

        /// Splits rendered text at the markers `marker(0)`, `marker(1)`, …; nil when one is missing.
        init?(_ bytes: [UInt8], gaps: Int) {
            segments = []
            var rest = bytes[...]
            for index in 0..<gaps {
                guard let range = rest.firstRange(of: Array(TemplateRenderer.marker(index).utf8)) else { return nil }
                segments.append(Array(rest[..<range.lowerBound]))
                rest = rest[range.upperBound...]
            }
            segments.append(Array(rest))
        }

        /// Appends the text with slot gaps filled from `ordinal`.
        func append(ordinal: UInt64, to out: inout [UInt8]) {
            out.append(contentsOf: segments[0])
            for index in prefixes.indices {
                out.append(contentsOf: prefixes[index])
                IdToken.appendBase36(IdToken.mix40(ordinal), width: 8, uppercase: true, to: &out)
                out.append(contentsOf: segments[index + 1])
            }
        }

        /// Appends the text with two gaps filled by `first` and `second` (as CSV cells or JSON strings).
        func append(_ first: String, _ second: String, json: Bool, to out: inout [UInt8]) {
            out.append(contentsOf: segments[0])
            if json { EventBytes.appendString(first, to: &out) } else { EventBytes.appendCell(first, to: &out) }
            out.append(contentsOf: segments[1])
            if json { EventBytes.appendString(second, to: &out) } else { EventBytes.appendCell(second, to: &out) }
            out.append(contentsOf: segments[2])
        }
    }

    /// One template's rendered text (a class, so handing it out costs one retain).
    final class Rendered: Sendable {
        /// `{"type":"track","event":"Name"`.
        let jsonHead: [UInt8]
        /// The context's entries without braces.
        let jsonContext: [UInt8]
        /// `,"properties":{…}` with slot gaps, or nothing.
        let jsonProperties: Fragment
        /// `,type,event,name` after the timestamp.
        let csvHead: [UInt8]
        let csvChannel: [UInt8]
        /// The context, property and trait cells, with slot gaps.
        let csvTail: Fragment

        init(jsonHead: [UInt8], jsonContext: [UInt8], jsonProperties: Fragment, csvHead: [UInt8], csvChannel: [UInt8], csvTail: Fragment) {
            self.jsonHead = jsonHead
            self.jsonContext = jsonContext
            self.jsonProperties = jsonProperties
            self.csvHead = csvHead
            self.csvChannel = csvChannel
            self.csvTail = csvTail
        }
    }

    /// Persona traits of identify events.
    struct RenderedTraits: Sendable {
        /// `,"key":value…` after the names, or nothing.
        var json: [UInt8]
        /// The row's variable cells with gaps for first and last name.
        var csv: Fragment
    }

    /// JSON keys, as bytes.
    static let traitsKey: [UInt8] = Array(#","traits":{"#.utf8)
    static let identifyHead: [UInt8] = Array(#"{"type":"identify""#.utf8)
    static let traitsEmailKey: [UInt8] = Array(#","traits":{"email":"#.utf8)
    static let phoneKey: [UInt8] = Array(#","phone":"#.utf8)
    static let firstNameKey: [UInt8] = Array(#","first_name":"#.utf8)
    static let lastNameKey: [UInt8] = Array(#","last_name":"#.utf8)
    static let messageIdKey: [UInt8] = Array(#","messageId":""#.utf8)
    static let timestampKey: [UInt8] = Array(#"","timestamp":""#.utf8)
    static let anonymousIdKey: [UInt8] = Array(#","anonymousId":"#.utf8)
    static let userIdKey: [UInt8] = Array(#","userId":"#.utf8)
    static let contextKey: [UInt8] = Array(#","context":{"#.utf8)
    static let deviceKey: [UInt8] = Array(#","device":{"id":"#.utf8)
    static let appChannel: [UInt8] = Array(#""channel":"mobile-app""#.utf8), webChannel: [UInt8] = Array(#""channel":"web""#.utf8)

    static let appCell: [UInt8] = Array(",mobile-app".utf8), webCell: [UInt8] = Array(",web".utf8), identifyCells: [UInt8] = Array(",identify,,,".utf8)

    static func marker(_ index: Int) -> String { "\u{AB}gap\(index)\u{BB}" }

    let messageKey: UInt64
    private let pools: [[Rendered?]]
    /// Survey touchpoints' templates with each score filled in: [touchpoint][template][score].
    private let scored: [[[Rendered?]]]
    /// Survey answers: [touchpoint][metric][score], and free-text ones: [touchpoint][comment].
    private let answers: [[[Rendered?]]]
    private let comments: [[Rendered?]]
    private let web: [Rendered?]
    private let app: [Rendered?]
    private let identifyTraits: [[RenderedTraits?]]
    private let linkTail: [UInt8]

    init(plan: ScenarioPlan, keys: CustomerIdentity.Keys) {
        var bytes = EventBytes()
        messageKey = keys.message
        pools = plan.pools.map { pool in pool.map { Self.render($0, layout: plan.layout, bytes: &bytes) } }
        scored = plan.pools.map { pool in
            pool.map { template in
                guard let range = template.metric?.range else { return [] }
                return (0...Int(range.upperBound)).map { score in
                    var withScore = template
                    withScore.properties = withScore.properties.setting("score", to: .number(Double(score)))
                    return Self.render(withScore, layout: plan.layout, bytes: &bytes)
                }
            }
        }
        func answer(_ touchpoint: Int, _ metric: Feedback.Metric, _ score: Int, _ comment: Int) -> Rendered? {
            Self.render(EventTemplate(kind: .feedback, name: ScenarioGenerator.feedbackName, context: .object([("channel", .string("email"))]),
                                      properties: ScenarioPlan.feedbackProperties(touchpoint: plan.journey.touchpoints[touchpoint].id, metric: metric,
                                                                                  score: score, text: FeedbackModel.comments[comment])),
                        layout: plan.layout, bytes: &bytes)
        }
        answers = plan.journey.touchpoints.indices.map { touchpoint in
            Feedback.Metric.allCases.map { metric in
                guard let range = metric.range else { return [] }
                return (0...Int(range.upperBound)).map { answer(touchpoint, metric, $0, 0) }
            }
        }
        comments = plan.journey.touchpoints.indices.map { touchpoint in FeedbackModel.comments.indices.map { answer(touchpoint, .text, 0, $0) } }
        web = plan.noise.web.map { Self.render($0, layout: plan.layout, bytes: &bytes) }
        app = plan.noise.app.map { Self.render($0, layout: plan.layout, bytes: &bytes) }
        identifyTraits = plan.traitSets.map { sets in
            sets.map { traits -> RenderedTraits? in
                guard case .object(let entries) = traits, !entries.contains(where: { ["email", "phone", "first_name", "last_name"].contains($0.0) }) else {
                    return nil
                }
                var json: [UInt8] = []
                for (key, value) in entries {
                    json.append(0x2C)
                    EventBytes.appendString(key, to: &json)
                    json.append(0x3A)
                    EventBytes.appendValue(value, to: &json)
                }
                var cells: [UInt8] = []
                let named = JSONValue.object([("first_name", .string(Self.marker(0))), ("last_name", .string(Self.marker(1)))] + entries)
                bytes.appendVariableCells(Event(type: .identify, timestamp: 0, traits: named), layout: plan.layout, to: &cells)
                return Fragment(cells, gaps: 2).map { RenderedTraits(json: json, csv: $0) }
            }
        }
        var tail: [UInt8] = []
        bytes.appendVariableCells(Event(type: .identify, timestamp: 0), layout: plan.layout, to: &tail)
        linkTail = tail
    }

    /// Renders a template, or nil when it needs the general path.
    static func render(_ template: EventTemplate, layout: CSVLayout, bytes: inout EventBytes) -> Rendered? {
        guard template.context["device"] == nil, case .object(let contextEntries) = template.context, !contextEntries.isEmpty,
              !template.slots.contains(where: \.inContext) else { return nil }
        var properties = template.properties
        for (index, slot) in template.slots.enumerated() { properties = properties.setting(path: slot.path, to: .string(marker(index))) }
        let prefixes = template.slots.map { Array($0.prefix.utf8) }
        var jsonHead = Array(#"{"type":""#.utf8) + Array(template.kind.rawValue.utf8) + [0x22]
        let pageLike = template.kind == .page || template.kind == .screen
        if let name = template.name {
            jsonHead += Array((pageLike ? #","name":"# : #","event":"#).utf8)
            EventBytes.appendString(name, to: &jsonHead)
        }
        var context: [UInt8] = []
        EventBytes.appendValue(template.context, to: &context)
        var jsonProperties = Fragment()
        if !properties.isEmptyObject {
            var text: [UInt8] = Array(#","properties":"#.utf8)
            EventBytes.appendValue(properties, to: &text)
            guard let fragment = Fragment(text, gaps: prefixes.count) else { return nil }
            jsonProperties = fragment
            jsonProperties.prefixes = prefixes
        }
        var csvHead: [UInt8] = [0x2C] + Array(template.kind.rawValue.utf8) + [0x2C]
        if !pageLike, let name = template.name { EventBytes.appendCell(name, to: &csvHead) }
        csvHead.append(0x2C)
        if pageLike, let name = template.name { EventBytes.appendCell(name, to: &csvHead) }
        var csvChannel: [UInt8] = []
        if let channel = template.context["channel"]?.text { EventBytes.appendCell(channel, to: &csvChannel) }
        var tail: [UInt8] = []
        bytes.appendVariableCells(Event(type: template.kind, timestamp: 0, context: template.context, properties: properties), layout: layout, to: &tail)
        guard var csvTail = Fragment(tail, gaps: prefixes.count) else { return nil }
        csvTail.prefixes = prefixes
        return Rendered(jsonHead: jsonHead, jsonContext: Array(context.dropFirst().dropLast()), jsonProperties: jsonProperties,
                        csvHead: csvHead, csvChannel: csvChannel, csvTail: csvTail)
    }

    /// The rendered template of a visit, noise or survey answer, when it can be written directly.
    private func rendered(_ planned: PlannedEvent) -> Rendered? {
        switch planned.action {
        case .visit(let touchpoint, let template, let score):
            guard score >= 0 else { return pools[touchpoint][template] }
            let scores = scored[touchpoint][template]
            return score < scores.count ? scores[score] : nil
        case .noise(let isApp, let template):
            return isApp ? app[template] : web[template]
        case .feedback(let touchpoint, let metric, let score, let comment):
            if metric == .text { return comments[touchpoint][comment] }
            let scores = answers[touchpoint][Feedback.Metric.allCases.firstIndex(of: metric)!]
            return score >= 0 && score < scores.count ? scores[score] : nil
        case .identify:
            return nil
        }
    }

    // MARK: JSON

    /// Appends the event as Segment JSON, or returns false when it needs the general path.
    func appendJSON(_ planned: PlannedEvent, identity: CustomerIdentity, traits: TraitChoice, ordinal: UInt64, bytes: inout EventBytes, to out: inout [UInt8]) -> Bool {
        if case .identify(let device, let full) = planned.action {
            return appendIdentifyJSON(planned, device: device, full: full, identity: identity, traits: traits, ordinal: ordinal, bytes: &bytes, to: &out)
        }
        guard let rendered = rendered(planned) else { return false }
        out.append(contentsOf: rendered.jsonHead)
        appendIds(planned, ordinal: ordinal, bytes: &bytes, to: &out)
        var deviceId: String?
        var trait: (key: String, value: String)?
        switch planned.carrier {
        case .device(let index, let user, let junk):
            let device = identity.devices[index]
            appendIdentity(anonymousId: device.anonymousId, userId: user ? identity.userId : junk > 0 ? CustomerJourney.junkValues[junk] : nil, to: &out)
            deviceId = device.deviceId
        case .user: appendIdentity(anonymousId: nil, userId: identity.userId, to: &out)
        case .email(let variant): trait = ("email", identity.email(variant: variant))
        case .phone(let variant): trait = ("phone", identity.phone(variant: variant) ?? "")
        }
        appendContext(rendered.jsonContext, deviceId: deviceId, to: &out)
        rendered.jsonProperties.append(ordinal: ordinal, to: &out)
        if let trait {
            out.append(contentsOf: Self.traitsKey)
            EventBytes.appendString(trait.key, to: &out)
            out.append(0x3A)
            EventBytes.appendString(trait.value, to: &out)
            out.append(0x7D)
        }
        out.append(0x7D)
        return true
    }

    private func appendIdentifyJSON(_ planned: PlannedEvent, device index: Int, full: Bool, identity: CustomerIdentity, traits: TraitChoice,
                                    ordinal: UInt64, bytes: inout EventBytes, to out: inout [UInt8]) -> Bool {
        guard case .device(_, true, 0) = planned.carrier, traits.group == nil, let persona = identifyTraits[traits.slot][traits.set] else { return false }
        let device = identity.devices[index]
        out.append(contentsOf: Self.identifyHead)
        appendIds(planned, ordinal: ordinal, bytes: &bytes, to: &out)
        appendIdentity(anonymousId: device.anonymousId, userId: identity.userId, to: &out)
        appendContext(device.isApp ? Self.appChannel : Self.webChannel, deviceId: device.deviceId, to: &out)
        out.append(contentsOf: Self.traitsEmailKey)
        EventBytes.appendString(identity.email(variant: ScenarioGenerator.identifyEmailVariant(full: full, ordinal: ordinal)), to: &out)
        if full {
            if let phone = identity.phone(variant: ScenarioGenerator.identifyPhoneVariant(ordinal: ordinal)) {
                out.append(contentsOf: Self.phoneKey)
                EventBytes.appendString(phone, to: &out)
            }
            out.append(contentsOf: Self.firstNameKey)
            EventBytes.appendString(identity.firstName, to: &out)
            out.append(contentsOf: Self.lastNameKey)
            EventBytes.appendString(identity.lastName, to: &out)
            out.append(contentsOf: persona.json)
        }
        out.append(contentsOf: [0x7D, 0x7D])
        return true
    }

    private func appendIds(_ planned: PlannedEvent, ordinal: UInt64, bytes: inout EventBytes, to out: inout [UInt8]) {
        out.append(contentsOf: Self.messageIdKey)
        IdToken.appendUUID(ordinal, key: messageKey, to: &out)
        out.append(contentsOf: Self.timestampKey)
        bytes.appendTimestamp(planned.time, to: &out)
        out.append(0x22)
    }

    private func appendIdentity(anonymousId: String?, userId: String?, to out: inout [UInt8]) {
        if let anonymousId {
            out.append(contentsOf: Self.anonymousIdKey)
            EventBytes.appendQuoted(anonymousId, to: &out)
        }
        if let userId {
            out.append(contentsOf: Self.userIdKey)
            EventBytes.appendQuoted(userId, to: &out)
        }
    }

    private func appendContext(_ entries: [UInt8], deviceId: String?, to out: inout [UInt8]) {
        out.append(contentsOf: Self.contextKey)
        out.append(contentsOf: entries)
        if let deviceId {
            out.append(contentsOf: Self.deviceKey)
            EventBytes.appendQuoted(deviceId, to: &out)
            out.append(0x7D)
        }
        out.append(0x7D)
    }

    // MARK: CSV

    /// Appends the event as a CSV row, or returns false when it needs the general path.
    func appendCSV(_ planned: PlannedEvent, identity: CustomerIdentity, traits: TraitChoice, ordinal: UInt64, bytes: inout EventBytes, to out: inout [UInt8]) -> Bool {
        if case .identify(let device, let full) = planned.action {
            return appendIdentifyCSV(planned, device: device, full: full, identity: identity, traits: traits, ordinal: ordinal, bytes: &bytes, to: &out)
        }
        guard let rendered = rendered(planned) else { return false }
        bytes.appendTimestamp(planned.time, to: &out)
        out.append(contentsOf: rendered.csvHead)
        out.append(0x2C)
        IdToken.appendUUID(ordinal, key: messageKey, to: &out)
        switch planned.carrier {
        case .device(let index, let user, let junk):
            let device = identity.devices[index]
            appendCells(anonymousId: device.anonymousId, userId: user ? identity.userId : junk > 0 ? CustomerJourney.junkValues[junk] : nil,
                        email: nil, phone: nil, deviceId: device.deviceId, to: &out)
        case .user: appendCells(anonymousId: nil, userId: identity.userId, email: nil, phone: nil, deviceId: nil, to: &out)
        case .email(let variant): appendCells(anonymousId: nil, userId: nil, email: identity.email(variant: variant), phone: nil, deviceId: nil, to: &out)
        case .phone(let variant): appendCells(anonymousId: nil, userId: nil, email: nil, phone: identity.phone(variant: variant) ?? "", deviceId: nil, to: &out)
        }
        out.append(0x2C)
        out.append(contentsOf: rendered.csvChannel)
        rendered.csvTail.append(ordinal: ordinal, to: &out)
        out.append(0x0A)
        return true
    }

    private func appendIdentifyCSV(_ planned: PlannedEvent, device index: Int, full: Bool, identity: CustomerIdentity, traits: TraitChoice,
                                   ordinal: UInt64, bytes: inout EventBytes, to out: inout [UInt8]) -> Bool {
        guard case .device(_, true, 0) = planned.carrier, traits.group == nil, let persona = identifyTraits[traits.slot][traits.set] else { return false }
        let device = identity.devices[index]
        bytes.appendTimestamp(planned.time, to: &out)
        out.append(contentsOf: Self.identifyCells)
        IdToken.appendUUID(ordinal, key: messageKey, to: &out)
        appendCells(anonymousId: device.anonymousId, userId: identity.userId,
                    email: identity.email(variant: ScenarioGenerator.identifyEmailVariant(full: full, ordinal: ordinal)),
                    phone: full ? identity.phone(variant: ScenarioGenerator.identifyPhoneVariant(ordinal: ordinal)) : nil,
                    deviceId: device.deviceId, to: &out)
        out.append(contentsOf: device.isApp ? Self.appCell : Self.webCell)
        if full { persona.csv.append(identity.firstName, identity.lastName, json: false, to: &out) } else { out.append(contentsOf: linkTail) }
        out.append(0x0A)
        return true
    }

    /// `,anonymousId,userId,email,phone,device_id` cells; the generator's ids, emails and phones never need quoting.
    private func appendCells(anonymousId: String?, userId: String?, email: String?, phone: String?, deviceId: String?, to out: inout [UInt8]) {
        func cell(_ value: String?) {
            out.append(0x2C)
            if let value { out.append(contentsOf: value.utf8) }
        }
        cell(anonymousId)
        cell(userId)
        cell(email)
        cell(phone)
        cell(deviceId)
    }
}
