/// Writes touchpoint visits and noise events straight from their templates, without building an
/// ``Event``: the template's JSON and CSV text is rendered once, and each event adds only its ids,
/// timestamp and unique slot values. The bytes are the same as ``EventBytes`` writes for the
/// ``ScenarioGenerator/event(_:identity:traits:ordinal:)`` event (tests compare them).
struct TemplateRenderer {
    /// Text with gaps where a slot's unique value goes.
    struct Fragment {
        var segments: [[UInt8]] = [[]]
        var prefixes: [[UInt8]] = []

        /// Splits rendered text at the slot markers.
        init(_ bytes: [UInt8], slots: Int) {
            guard slots > 0 else { segments = [bytes]; return }
            segments = []
            var rest = bytes[...]
            for index in 0..<slots {
                let marker = Array(TemplateRenderer.marker(index).utf8)
                guard let range = rest.firstRange(of: marker) else { segments = [bytes]; prefixes = []; return }
                segments.append(Array(rest[..<range.lowerBound]))
                rest = rest[range.upperBound...]
            }
            segments.append(Array(rest))
        }

        init() {}

        func append(ordinal: UInt64, to out: inout [UInt8]) {
            out.append(contentsOf: segments[0])
            for index in prefixes.indices {
                out.append(contentsOf: prefixes[index])
                IdToken.appendBase36(IdToken.mix40(ordinal), width: 8, uppercase: true, to: &out)
                out.append(contentsOf: segments[index + 1])
            }
        }
    }

    /// One template's rendered text.
    struct Rendered {
        var fast = false
        var jsonHead: [UInt8] = []
        var jsonContext: [UInt8] = []
        var jsonProperties = Fragment()
        var csvHead: [UInt8] = []
        var csvChannel: [UInt8] = []
        var csvTail = Fragment()
    }

    static func marker(_ index: Int) -> String { "\u{AB}slot\(index)\u{BB}" }

    let pools: [[Rendered]]
    let web: [Rendered]
    let app: [Rendered]
    let messageKey: UInt64
    private var bytes = EventBytes()

    init(plan: ScenarioPlan, keys: CustomerIdentity.Keys) {
        var bytes = EventBytes()
        pools = plan.pools.map { pool in pool.map { Self.render($0, layout: plan.layout, bytes: &bytes) } }
        web = plan.noise.web.map { Self.render($0, layout: plan.layout, bytes: &bytes) }
        app = plan.noise.app.map { Self.render($0, layout: plan.layout, bytes: &bytes) }
        messageKey = keys.message
    }

    static func render(_ template: EventTemplate, layout: CSVLayout, bytes: inout EventBytes) -> Rendered {
        var rendered = Rendered()
        guard template.kind != .feedback, template.context["device"] == nil, case .object(let contextEntries) = template.context,
              !contextEntries.isEmpty else { return rendered }
        var context = template.context, properties = template.properties
        for (index, slot) in template.slots.enumerated() {
            if slot.inContext { context = context.setting(path: slot.path, to: .string(marker(index))) } else {
                properties = properties.setting(path: slot.path, to: .string(marker(index)))
            }
        }
        // A slot in the context would need the context rendered per event: leave such templates to the general path.
        guard !template.slots.contains(where: \.inContext), case .object = context else { return rendered }
        let prefixes = template.slots.map { Array($0.prefix.utf8) }
        rendered.fast = true

        var head: [UInt8] = Array(#"{"type":""#.utf8) + Array(template.kind.rawValue.utf8) + [0x22]
        let pageLike = template.kind == .page || template.kind == .screen
        if let name = template.name {
            head += Array((pageLike ? #","name":"# : #","event":"#).utf8)
            EventBytes.appendString(name, to: &head)
        }
        rendered.jsonHead = head
        var contextText: [UInt8] = []
        EventBytes.appendValue(.object(contextEntries), to: &contextText)
        rendered.jsonContext = Array(contextText.dropFirst().dropLast())
        if !properties.isEmptyObject {
            var text: [UInt8] = Array(#","properties":"#.utf8)
            EventBytes.appendValue(properties, to: &text)
            rendered.jsonProperties = Fragment(text, slots: prefixes.count)
            rendered.jsonProperties.prefixes = prefixes
        }

        var csv: [UInt8] = [0x2C] + Array(template.kind.rawValue.utf8) + [0x2C]
        if !pageLike, let name = template.name { EventBytes.appendCell(name, to: &csv) }
        csv.append(0x2C)
        if pageLike, let name = template.name { EventBytes.appendCell(name, to: &csv) }
        rendered.csvHead = csv
        if let channel = template.context["channel"]?.text { EventBytes.appendCell(channel, to: &rendered.csvChannel) }
        var tail: [UInt8] = []
        bytes.appendVariableCells(Event(type: template.kind, timestamp: 0, context: context, properties: properties), layout: layout, to: &tail)
        rendered.csvTail = Fragment(tail, slots: prefixes.count)
        rendered.csvTail.prefixes = prefixes
        // Markers must have been found in both texts, else fall back.
        if rendered.jsonProperties.segments.count != prefixes.count + 1 && !properties.isEmptyObject || rendered.csvTail.segments.count != prefixes.count + 1 {
            rendered.fast = false
        }
        return rendered
    }

    /// The rendered template of a planned event, when it can be written directly.
    func rendered(_ planned: PlannedEvent) -> Rendered? {
        let rendered: Rendered
        switch planned.action {
        case .visit(let touchpoint, let template, let score):
            guard score < 0 else { return nil }
            rendered = pools[touchpoint][template]
        case .noise(let isApp, let template): rendered = isApp ? app[template] : web[template]
        case .identify, .feedback: return nil
        }
        return rendered.fast ? rendered : nil
    }

    /// Appends the event as Segment JSON, or returns false when it needs the general path.
    mutating func appendJSON(_ planned: PlannedEvent, identity: inout CustomerIdentity, ordinal: UInt64, to out: inout [UInt8]) -> Bool {
        guard let rendered = rendered(planned) else { return false }
        out.append(contentsOf: rendered.jsonHead)
        out.append(contentsOf: #","messageId":""#.utf8)
        IdToken.appendUUID(ordinal, key: messageKey, to: &out)
        out.append(contentsOf: #"","timestamp":""#.utf8)
        bytes.appendTimestamp(planned.time, to: &out)
        out.append(0x22)
        var deviceId: String?
        var trait: (key: String, value: String)?
        switch planned.carrier {
        case .device(let index, let user, let junk):
            let device = identity.devices[index]
            out.append(contentsOf: #","anonymousId":"#.utf8)
            EventBytes.appendString(device.anonymousId, to: &out)
            if user || junk > 0 {
                out.append(contentsOf: #","userId":"#.utf8)
                EventBytes.appendString(user ? identity.userId : CustomerJourney.junkValues[junk], to: &out)
            }
            deviceId = device.deviceId
        case .user:
            out.append(contentsOf: #","userId":"#.utf8)
            EventBytes.appendString(identity.userId, to: &out)
        case .email(let variant): trait = ("email", identity.cachedEmail(variant: variant))
        case .phone(let variant): trait = ("phone", identity.phone(variant: variant) ?? "")
        }
        out.append(contentsOf: #","context":{"#.utf8)
        out.append(contentsOf: rendered.jsonContext)
        if let deviceId {
            if !rendered.jsonContext.isEmpty { out.append(0x2C) }
            out.append(contentsOf: #""device":{"id":"#.utf8)
            EventBytes.appendString(deviceId, to: &out)
            out.append(0x7D)
        }
        out.append(0x7D)
        rendered.jsonProperties.append(ordinal: ordinal, to: &out)
        if let trait {
            out.append(contentsOf: #","traits":{"#.utf8)
            EventBytes.appendString(trait.key, to: &out)
            out.append(0x3A)
            EventBytes.appendString(trait.value, to: &out)
            out.append(0x7D)
        }
        out.append(0x7D)
        return true
    }

    /// Appends the event as a CSV row, or returns false when it needs the general path.
    mutating func appendCSV(_ planned: PlannedEvent, identity: inout CustomerIdentity, ordinal: UInt64, to out: inout [UInt8]) -> Bool {
        guard let rendered = rendered(planned) else { return false }
        bytes.appendTimestamp(planned.time, to: &out)
        out.append(contentsOf: rendered.csvHead)
        out.append(0x2C)
        IdToken.appendUUID(ordinal, key: messageKey, to: &out)
        out.append(0x2C)
        switch planned.carrier {
        case .device(let index, let user, let junk):
            let device = identity.devices[index]
            EventBytes.appendCell(device.anonymousId, to: &out)
            out.append(0x2C)
            if user || junk > 0 { EventBytes.appendCell(user ? identity.userId : CustomerJourney.junkValues[junk], to: &out) }
            out.append(contentsOf: [0x2C, 0x2C, 0x2C])
            if let id = device.deviceId { EventBytes.appendCell(id, to: &out) }
        case .user:
            out.append(0x2C)
            EventBytes.appendCell(identity.userId, to: &out)
            out.append(contentsOf: [0x2C, 0x2C, 0x2C])
        case .email(let variant):
            out.append(contentsOf: [0x2C, 0x2C])
            EventBytes.appendCell(identity.cachedEmail(variant: variant), to: &out)
            out.append(contentsOf: [0x2C, 0x2C])
        case .phone(let variant):
            out.append(contentsOf: [0x2C, 0x2C, 0x2C])
            EventBytes.appendCell(identity.phone(variant: variant) ?? "", to: &out)
            out.append(0x2C)
        }
        out.append(0x2C)
        out.append(contentsOf: rendered.csvChannel)
        rendered.csvTail.append(ordinal: ordinal, to: &out)
        out.append(0x0A)
        return true
    }
}
