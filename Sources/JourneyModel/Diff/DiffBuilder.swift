/// Walks two workspaces side by side and records their differences.
struct DiffBuilder {
    typealias Change = WorkspaceDiff.Change
    var changes: [Change] = []

    mutating func add(_ subject: Change.Subject, _ action: Change.Action, _ target: String, field: String? = nil, from: String? = nil, to: String? = nil) {
        changes.append(Change(subject: subject, action: action, target: target, field: field, from: from, to: to))
    }

    mutating func field(_ subject: Change.Subject, _ target: String, _ name: String, _ old: String?, _ new: String?) {
        if old != new { add(subject, .edited, target, field: name, from: old, to: new) }
    }

    mutating func list(_ subject: Change.Subject, _ target: String, _ name: String, _ old: [String], _ new: [String]) {
        for item in old where !new.contains(item) { add(subject, .removed, target, field: name, from: item) }
        for item in new where !old.contains(item) { add(subject, .added, target, field: name, to: item) }
    }

    mutating func compare(_ old: Workspace, _ new: Workspace) {
        field(.workspace, "workspace", "name", old.name, new.name)
        field(.workspace, "workspace", "description", old.description, new.description)
        let oldPersonas = Dictionary(old.personas.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for persona in old.personas where new.persona(persona.id) == nil { add(.persona, .removed, persona.id, from: persona.name) }
        for persona in new.personas {
            guard let before = oldPersonas[persona.id] else { add(.persona, .added, persona.id, to: persona.name); continue }
            compare(before, persona)
        }
        let oldJourneys = Dictionary(old.journeys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for journey in old.journeys where new.journey(journey.id) == nil { add(.journey, .removed, journey.id, from: journey.title) }
        for journey in new.journeys {
            guard let before = oldJourneys[journey.id] else { add(.journey, .added, journey.id, to: journey.title); continue }
            compare(before, journey)
        }
    }

    mutating func compare(_ old: Persona, _ new: Persona) {
        let id = new.id
        field(.persona, id, "name", old.name, new.name)
        field(.persona, id, "photo", old.photo, new.photo)
        field(.persona, id, "quote", old.quote, new.quote)
        field(.persona, id, "background", old.background, new.background)
        let oldDemographics = Dictionary(old.demographics.map { ($0.key, $0.value.description) }, uniquingKeysWith: { first, _ in first })
        let newDemographics = Dictionary(new.demographics.map { ($0.key, $0.value.description) }, uniquingKeysWith: { first, _ in first })
        for key in (old.demographics.map(\.key) + new.demographics.map(\.key)).uniqued() {
            field(.persona, id, "demographics.\(key)", oldDemographics[key], newDemographics[key])
        }
        list(.persona, id, "goals", old.goals, new.goals)
        list(.persona, id, "challenges", old.challenges, new.challenges)
        list(.persona, id, "preferences", old.preferences, new.preferences)
        list(.persona, id, "channels", old.channels, new.channels)
        if old.match != new.match { add(.persona, .edited, id, field: "match") }
    }

    mutating func compare(_ old: JourneyMap, _ new: JourneyMap) {
        let id = new.id
        field(.journey, id, "title", old.title, new.title)
        field(.journey, id, "description", old.description, new.description)
        field(.journey, id, "state", old.state.rawValue, new.state.rawValue)
        field(.journey, id, "improves", old.improves, new.improves)
        field(.journey, id, "live_from", old.liveFrom?.description, new.liveFrom?.description)
        field(.journey, id, "objective", old.objective, new.objective)
        field(.journey, id, "goal", old.goal, new.goal)
        field(.journey, id, "emotion_scale", scaleText(old.emotionScale), scaleText(new.emotionScale))
        list(.journey, id, "personas", old.personas, new.personas)

        for stage in old.stages where new.stage(stage.id) == nil { add(.stage, .removed, "\(id)/\(stage.id)", from: stage.name) }
        for stage in new.stages {
            guard let before = old.stage(stage.id) else { add(.stage, .added, "\(id)/\(stage.id)", to: stage.name); continue }
            field(.stage, "\(id)/\(stage.id)", "name", before.name, stage.name)
            field(.stage, "\(id)/\(stage.id)", "description", before.description, stage.description)
        }
        for moved in Self.reordered(old.stages.map(\.id), new.stages.map(\.id)) {
            add(.stage, .moved, "\(id)/\(moved)", field: "position",
                from: "\(old.stages.firstIndex { $0.id == moved }! + 1)", to: "\(new.stages.firstIndex { $0.id == moved }! + 1)")
        }

        for touchpoint in old.touchpoints where new.touchpoint(touchpoint.id) == nil {
            add(.touchpoint, .removed, "\(id)/\(touchpoint.id)", from: "\(touchpoint.name) (\(touchpoint.stage), \(touchpoint.channel))")
        }
        let sameStageOrder = Self.reordered(old.touchpoints.map(\.id), new.touchpoints.map(\.id))
        for touchpoint in new.touchpoints {
            let target = "\(id)/\(touchpoint.id)"
            guard let before = old.touchpoint(touchpoint.id) else {
                add(.touchpoint, .added, target, to: "\(touchpoint.name) (\(touchpoint.stage), \(touchpoint.channel))")
                continue
            }
            if before.stage != touchpoint.stage {
                add(.touchpoint, .moved, target, field: "stage", from: before.stage, to: touchpoint.stage)
            } else if sameStageOrder.contains(touchpoint.id) {
                add(.touchpoint, .moved, target, field: "position")
            }
            compare(before, touchpoint, target: target)
        }

        for lane in old.lanes where !new.lanes.contains(where: { $0.id == lane.id }) { add(.lane, .removed, "\(id)/\(lane.id)", from: lane.name) }
        for lane in new.lanes {
            let target = "\(id)/\(lane.id)"
            guard let before = old.lanes.first(where: { $0.id == lane.id }) else { add(.lane, .added, target, to: lane.name); continue }
            field(.lane, target, "name", before.name, lane.name)
            for card in before.cards where lane.card(for: card.touchpoint) == nil {
                add(.card, .removed, "\(target)/\(card.touchpoint)", field: lane.id, from: card.card.text)
            }
            for card in lane.cards {
                guard let old = before.card(for: card.touchpoint) else {
                    add(.card, .added, "\(target)/\(card.touchpoint)", field: lane.id, to: card.card.text)
                    continue
                }
                if old != card.card { add(.card, .edited, "\(target)/\(card.touchpoint)", field: lane.id, from: old.text, to: card.card.text) }
            }
        }
    }

    mutating func compare(_ old: Touchpoint, _ new: Touchpoint, target: String) {
        field(.touchpoint, target, "name", old.name, new.name)
        field(.touchpoint, target, "channel", old.channel, new.channel)
        field(.touchpoint, target, "description", old.description, new.description)
        field(.touchpoint, target, "owner", old.owner, new.owner)
        field(.touchpoint, target, "evidence", old.evidence?.rawValue, new.evidence?.rawValue)
        field(.touchpoint, target, "source", old.source, new.source)
        if old.match != new.match { add(.touchpoint, .edited, target, field: "match") }
        if old.emotion != new.emotion {
            add(.emotion, .edited, target, from: old.emotion.map(NumberFormat.canonical), to: new.emotion.map(NumberFormat.canonical))
        }
        cards(target, "actions", old.actions, new.actions, text: \.text)
        cards(target, "thoughts", old.thoughts, new.thoughts, text: \.text)
        cards(target, "questions", old.questions, new.questions, text: \.text)
        cards(target, "pain_points", old.painPoints, new.painPoints, text: \.text)
        cards(target, "opportunities", old.opportunities, new.opportunities, text: \.text)
        cards(target, "kpis", old.kpis, new.kpis, text: \.name)
    }

    /// Cards matched by text: same text with other attributes is an edit.
    mutating func cards<Item: Equatable>(_ target: String, _ lane: String, _ old: [Item], _ new: [Item], text: (Item) -> String) {
        for item in old where !new.contains(where: { text($0) == text(item) }) { add(.card, .removed, target, field: lane, from: text(item)) }
        for item in new {
            guard let before = old.first(where: { text($0) == text(item) }) else { add(.card, .added, target, field: lane, to: text(item)); continue }
            if before != item { add(.card, .edited, target, field: lane, to: text(item)) }
        }
    }

    func scaleText(_ scale: EmotionScale) -> String { "\(NumberFormat.canonical(scale.min))…\(NumberFormat.canonical(scale.max))" }

    /// Ids present in both orders that are not part of their longest common subsequence: the ones that moved.
    static func reordered(_ old: [String], _ new: [String]) -> Set<String> {
        let shared = Set(old).intersection(new)
        let a = old.filter(shared.contains), b = new.filter(shared.contains)
        guard !a.isEmpty, a != b else { return [] }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var kept: Set<String> = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { kept.insert(a[i]); i += 1; j += 1 } else if table[i + 1][j] >= table[i][j + 1] { i += 1 } else { j += 1 }
        }
        return shared.subtracting(kept)
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
