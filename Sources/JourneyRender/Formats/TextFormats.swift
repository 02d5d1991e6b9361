import JourneyModel

/// Markdown, CSV and Mermaid renderings of a map for other tools.
public enum TextFormats {
    /// A Markdown document: personas, then one section per stage with a table of touchpoints and their lanes.
    public static func markdown(_ journey: JourneyMap, in workspace: Workspace) -> String {
        func cell(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br>")
                .split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        func list(_ cards: [String]) -> String { cards.map(cell).joined(separator: "<br>") }
        var out = "# \(journey.title)\n\n"
        out += "*\(journey.state == .future ? "Future" : "Current") state"
        if let improves = journey.improves, journey.state == .future { out += ", improves `\(improves)`" }
        out += "*\n\n"
        if let objective = journey.objective { out += "**Objective:** \(objective)\n\n" }
        if let goal = journey.goal { out += "**Goal:** \(journey.touchpoint(goal)?.name ?? journey.stage(goal)?.name ?? goal) (`\(goal)`)\n\n" }
        if let description = journey.description { out += "\(description)\n\n" }
        let personas = journey.personas.compactMap { workspace.persona($0) }
        if !personas.isEmpty {
            out += "## Personas\n\n"
            for persona in personas {
                out += "### \(persona.name)\n\n"
                if let quote = persona.quote { out += "> \(quote)\n\n" }
                if let background = persona.background { out += "\(background)\n\n" }
                if !persona.demographics.isEmpty { out += persona.demographics.map { "- **\($0.key):** \($0.value)" }.joined(separator: "\n") + "\n" }
                for (title, items) in [("Goals", persona.goals), ("Challenges", persona.challenges), ("Preferences", persona.preferences)] where !items.isEmpty {
                    out += "- **\(title):** \(items.joined(separator: "; "))\n"
                }
                if !persona.channels.isEmpty { out += "- **Channels:** \(persona.channels.joined(separator: ", "))\n" }
                out += "\n"
            }
        }
        for (stage, touchpoints) in journey.touchpointsByStage {
            out += "## \(stage.name)\n\n"
            if let description = stage.description { out += "\(description)\n\n" }
            guard !touchpoints.isEmpty else { out += "_No touchpoints._\n\n"; continue }
            out += "| Touchpoint | Channel | Actions | Thoughts & questions | Emotion | Pain points | Opportunities | Owner | KPIs |\n"
            out += "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
            for touchpoint in touchpoints {
                let pains = touchpoint.painPoints.map { "\($0.text) (\(($0.severity ?? .medium).rawValue))" }
                let opportunities = touchpoint.opportunities.map { opportunity in
                    opportunity.text + ([opportunity.owner, opportunity.status?.rawValue, opportunity.priority.map { "\($0.rawValue) priority" }]
                        .compactMap { $0 }.isEmpty ? "" : " (" + [opportunity.owner, opportunity.status?.rawValue, opportunity.priority.map { "\($0.rawValue) priority" }].compactMap { $0 }.joined(separator: ", ") + ")")
                }
                let kpis = touchpoint.kpis.map { $0.name + ($0.target.map { ": " + KPIFormat.target($0, unit: nil) } ?? "") + ($0.unit.map { " \($0)" } ?? "") }
                let emotion = touchpoint.emotion.map { NumberFormat.canonical($0) } ?? ""
                let evidence = touchpoint.evidence.map { " _(\($0.rawValue))_" } ?? ""
                out += "| **\(cell(touchpoint.name))**\(evidence) | \(cell(touchpoint.channel)) | \(list(touchpoint.actions.map(\.text))) | "
                out += "\(list(touchpoint.thoughts.map(\.text) + touchpoint.questions.map { "❓ " + $0.text })) | \(emotion) | \(list(pains)) | "
                out += "\(list(opportunities)) | \(cell(touchpoint.owner ?? "")) | \(list(kpis)) |\n"
            }
            out += "\n"
        }
        for lane in journey.lanes {
            out += "## \(lane.name)\n\n| Touchpoint | \(cell(lane.name)) |\n| --- | --- |\n"
            for card in lane.cards { out += "| \(cell(journey.touchpoint(card.touchpoint)?.name ?? card.touchpoint)) | \(cell(card.card.text)) |\n" }
            out += "\n"
        }
        return out
    }

    /// The CSV header row.
    public static let csvColumns = ["journey", "stage", "touchpoint", "touchpoint_name", "channel", "lane", "text", "emotion",
                                    "severity", "owner", "status", "priority", "target", "unit", "evidence", "source"]

    /// CSV (see ``CSVWriter``) with one row per card, every lane included.
    public static func csv(_ journey: JourneyMap) -> String {
        var writer = CSVWriter(header: csvColumns)
        func row(_ touchpoint: Touchpoint, lane: String, text: String, emotion: Double? = nil, severity: String = "", owner: String = "",
                 status: String = "", priority: String = "", target: Double? = nil, unit: String = "", evidence: Evidence? = nil, source: String? = nil) {
            writer.row([.text(journey.id), .text(touchpoint.stage), .text(touchpoint.id), .text(touchpoint.name), .text(touchpoint.channel), .text(lane),
                        .text(text), .optional(emotion), .text(severity), .text(owner), .text(status), .text(priority), .optional(target), .text(unit),
                        .text(evidence?.rawValue ?? ""), .text(source ?? "")])
        }
        for touchpoint in journey.touchpoints {
            for card in touchpoint.actions { row(touchpoint, lane: "actions", text: card.text, evidence: card.evidence, source: card.source) }
            for card in touchpoint.thoughts { row(touchpoint, lane: "thoughts", text: card.text, evidence: card.evidence, source: card.source) }
            for card in touchpoint.questions { row(touchpoint, lane: "questions", text: card.text, evidence: card.evidence, source: card.source) }
            if let emotion = touchpoint.emotion { row(touchpoint, lane: "emotion", text: "", emotion: emotion) }
            for pain in touchpoint.painPoints {
                row(touchpoint, lane: "pain_points", text: pain.text, severity: (pain.severity ?? .medium).rawValue, evidence: pain.evidence, source: pain.source)
            }
            for opportunity in touchpoint.opportunities {
                row(touchpoint, lane: "opportunities", text: opportunity.text, owner: opportunity.owner ?? "", status: opportunity.status?.rawValue ?? "",
                    priority: opportunity.priority?.rawValue ?? "", evidence: opportunity.evidence, source: opportunity.source)
            }
            if let owner = touchpoint.owner { row(touchpoint, lane: "owner", text: owner, owner: owner) }
            for kpi in touchpoint.kpis { row(touchpoint, lane: "kpis", text: kpi.name, target: kpi.target, unit: kpi.unit ?? "") }
            for lane in journey.lanes {
                if let card = lane.card(for: touchpoint.id) { row(touchpoint, lane: lane.id, text: card.text, evidence: card.evidence, source: card.source) }
            }
        }
        return writer.output
    }

    /// A Mermaid `journey` diagram: stages as sections, touchpoints as tasks scored 1–5 from the emotion scale.
    public static func mermaid(_ journey: JourneyMap, in workspace: Workspace) -> String {
        func clean(_ text: String) -> String {
            String(text.map { character -> Character in
                switch character {
                case ":": "∶"
                case ";", "#", "\n", "\r", "\t": " "
                default: character
                }
            }).trimmingSpaces()
        }
        let actors = journey.personas.compactMap { workspace.persona($0)?.name.split(separator: ",").first.map { clean(String($0)) } }
        var out = "journey\n    title \(clean(journey.title))\n"
        for (stage, touchpoints) in journey.touchpointsByStage where !touchpoints.isEmpty {
            out += "    section \(clean(stage.name))\n"
            for touchpoint in touchpoints {
                let score = touchpoint.emotion.map { Int((journey.emotionScale.normalized($0) * 4).rounded()) + 1 } ?? 3
                out += "      \(clean(touchpoint.name)): \(score)" + (actors.isEmpty ? "" : ": " + actors.joined(separator: ", ")) + "\n"
            }
        }
        return out
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
