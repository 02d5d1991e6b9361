import JourneyModel

/// One card to draw in a lane cell, already wrapped to the column width.
struct CardSpec {
    var lines: [String]
    var fill: String
    var stroke: String
    var dash: String? = nil
    var ink: String = Palette.ink
    var heading: String? = nil
    var headingInk: String = Palette.muted
    var footer: [String] = []
    var evidence: Evidence? = nil
    var tooltip: String? = nil

    static let size = 11.5
    static let lineHeight = 14.5
    static let padding = 7.0
    static let gap = 6.0

    var height: Double {
        let rows = Double(lines.count + footer.count + (heading == nil ? 0 : 1))
        return rows * Self.lineHeight + 2 * Self.padding - 2
    }

    static func cellHeight(_ cards: [CardSpec]) -> Double {
        cards.isEmpty ? 0 : cards.reduce(0) { $0 + $1.height } + Double(cards.count - 1) * gap
    }
}

/// Builds the cards of each lane for a touchpoint.
struct CardFactory {
    let textWidth: Double

    func wrap(_ text: String) -> [String] {
        TextMetrics.wrap(text, width: textWidth, size: CardSpec.size, maxLines: 30)
    }

    func plain(_ card: Card, fill: String = Palette.card, stroke: String = Palette.cardStroke) -> CardSpec {
        CardSpec(lines: wrap(card.text), fill: fill, stroke: stroke, evidence: card.evidence, tooltip: card.source.map { "Source: \($0)" })
    }

    func question(_ card: Card) -> CardSpec {
        var spec = plain(card, fill: "#eef2ff", stroke: "#9fa8da")
        spec.heading = "QUESTION"
        spec.headingInk = "#3949ab"
        return spec
    }

    func pain(_ pain: PainPoint) -> CardSpec {
        let severity = pain.severity ?? .medium
        return CardSpec(lines: wrap(pain.text), fill: Palette.painFill, stroke: Palette.pain, heading: "\(severity.rawValue.uppercased()) SEVERITY",
                        headingInk: Palette.pain, evidence: pain.evidence, tooltip: pain.source.map { "Source: \($0)" })
    }

    func opportunity(_ opportunity: Opportunity) -> CardSpec {
        var details: [String] = []
        if let owner = opportunity.owner { details.append(owner) }
        if let status = opportunity.status { details.append(status.rawValue) }
        let footer = details.isEmpty ? [] : TextMetrics.wrap(details.joined(separator: " · "), width: textWidth, size: CardSpec.size, maxLines: 3)
        let heading = opportunity.priority.map { "\($0.rawValue.uppercased()) PRIORITY" }
        return CardSpec(lines: wrap(opportunity.text), fill: Palette.opportunityFill, stroke: Palette.opportunity, heading: heading,
                        headingInk: Palette.opportunity, footer: footer, evidence: opportunity.evidence,
                        tooltip: opportunity.source.map { "Source: \($0)" })
    }

    func kpi(_ kpi: KPI) -> CardSpec {
        var text = kpi.name
        if let target = kpi.target {
            text += " → " + KPIFormat.target(target, unit: kpi.unit)
        }
        return CardSpec(lines: wrap(text), fill: "#f0fff4", stroke: "#9ae6b4")
    }

    func owner(_ owner: String) -> CardSpec {
        CardSpec(lines: wrap(owner), fill: "#f5f7fa", stroke: Palette.grid)
    }
}

/// KPI targets in their unit.
public enum KPIFormat {
    /// "1.2%" for a ratio of 0.012, "45 s", "£30", "4.5" with the unit after.
    public static func target(_ value: Double, unit: String?) -> String {
        switch unit?.lowercased() {
        case "ratio": return NumberFormat.canonical((value * 1000).rounded() / 10) + "%"
        case "percent", "%": return NumberFormat.canonical(value) + "%"
        case "seconds", "s": return NumberFormat.canonical(value) + " s"
        case "minutes", "min": return NumberFormat.canonical(value) + " min"
        case "days": return NumberFormat.canonical(value) + " days"
        case nil, "", "count": return NumberFormat.canonical(value)
        case let unit?: return NumberFormat.canonical(value) + " " + unit
        }
    }
}
