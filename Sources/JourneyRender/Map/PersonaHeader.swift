import JourneyModel

/// The persona cards at the top of a map: avatar, name, quote, goals and demographics.
enum PersonaHeader {
    static let cardWidth = 420.0

    static func draw(_ personas: [Persona], into svg: inout SVGBuilder, top: Double, left: Double, width: Double, photos: [String: String]) -> Double {
        guard !personas.isEmpty else { return top }
        let perRow = max(1, Int((width + 16) / (cardWidth + 16)))
        var y = top
        for rowStart in stride(from: 0, to: personas.count, by: perRow) {
            let row = personas[rowStart..<min(rowStart + perRow, personas.count)]
            let layouts = row.map { layout($0) }
            let height = layouts.map(\.height).max() ?? 0
            for (offset, persona) in row.enumerated() {
                let x = left + Double(offset) * (cardWidth + 16)
                drawCard(persona, layout: layouts[offset], into: &svg, x: x, y: y, height: height, photo: photos[persona.id])
            }
            y += height + 12
        }
        return y
    }

    struct Layout {
        var name: [String]
        var quote: [String]
        var facts: [String]
        var goals: [String]
        var height: Double { max(76, 14 + Double(name.count) * 17 + Double(quote.count + facts.count + goals.count) * 15 + 12) }
    }

    static func layout(_ persona: Persona) -> Layout {
        let textWidth = cardWidth - 90
        let quote = persona.quote.map { TextMetrics.wrap("“\($0)”", width: textWidth, size: 12, maxLines: 4) } ?? []
        let facts = persona.demographics.isEmpty ? [] : TextMetrics.wrap(
            persona.demographics.map { "\($0.key): \($0.value)" }.joined(separator: " · "), width: textWidth, size: 11, maxLines: 2)
        let goals = persona.goals.isEmpty ? [] : TextMetrics.wrap("Goals: " + persona.goals.joined(separator: " · "), width: textWidth, size: 11.5, maxLines: 4)
        return Layout(name: TextMetrics.wrap(persona.name, width: textWidth, size: 15, bold: true, maxLines: 2), quote: quote, facts: facts, goals: goals)
    }

    static func drawCard(_ persona: Persona, layout: Layout, into svg: inout SVGBuilder, x: Double, y: Double, height: Double, photo: String?) {
        svg.rect(x: x, y: y, width: cardWidth, height: height, fill: "#f8fafc", stroke: Palette.grid, radius: 8)
        let cx = x + 38, cy = y + 38
        if let photo {
            let clip = "avatar-\(persona.id)"
            svg.raw("<clipPath id=\"\(XML.escape(clip))\"><circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"26\"/></clipPath>"
                + "<image href=\"\(XML.escape(photo))\" x=\"\(f(cx - 26))\" y=\"\(f(cy - 26))\" width=\"52\" height=\"52\" clip-path=\"url(#\(XML.escape(clip)))\" preserveAspectRatio=\"xMidYMid slice\"/>")
        } else {
            svg.circle(cx: cx, cy: cy, r: 26, fill: Palette.avatar(for: persona.id))
            svg.text(persona.initials, x: cx, y: cy + 6, size: 17, weight: "700", fill: "#ffffff", anchor: "middle")
        }
        let textX = x + 76, right = x + cardWidth - 12
        var lineY = y + 10
        svg.lines(layout.name, x: textX, top: lineY, size: 15, lineHeight: 17, weight: "700", rightEdge: right)
        lineY += Double(layout.name.count) * 17 + 2
        for line in layout.quote {
            svg.text(line, x: textX, y: lineY + 12, size: 12, fill: "#3e4c59", rightEdge: right, className: "quote")
            lineY += 15
        }
        for line in layout.facts {
            svg.text(line, x: textX, y: lineY + 12, size: 11, fill: Palette.muted, rightEdge: right)
            lineY += 15
        }
        for line in layout.goals {
            svg.text(line, x: textX, y: lineY + 12, size: 11.5, fill: Palette.ink, rightEdge: right)
            lineY += 15
        }
    }
}

/// The key to the symbols of a map.
enum Legend {
    static func draw(into svg: inout SVGBuilder, top: Double, left: Double) -> Double {
        var x = left
        let y = top + 10
        svg.text("Legend", x: x, y: y + 4, size: 12, weight: "700")
        x += 60
        for (colour, label) in [(Palette.positive, "positive emotion"), (Palette.neutral, "neutral"), (Palette.negative, "negative emotion")] {
            svg.circle(cx: x + 6, cy: y, r: 6, fill: colour)
            svg.text(label, x: x + 16, y: y + 4, size: 11, fill: Palette.muted)
            x += 30 + TextMetrics.width(label, size: 11)
        }
        Markers.pain(into: &svg, x: x + 8, y: y, count: 1, title: "pain points")
        svg.text("pain points (count)", x: x + 32, y: y + 4, size: 11, fill: Palette.muted)
        x += 48 + TextMetrics.width("pain points (count)", size: 11)
        Markers.opportunity(into: &svg, x: x + 8, y: y, count: 1, title: "opportunities")
        svg.text("opportunities (count)", x: x + 32, y: y + 4, size: 11, fill: Palette.muted)
        x += 48 + TextMetrics.width("opportunities (count)", size: 11)
        for evidence in Evidence.allCases {
            EvidenceBadge.drawLetter(into: &svg, evidence, x: x, y: y - 6)
            svg.text(evidence.rawValue, x: x + 16, y: y + 4, size: 11, fill: Palette.muted)
            x += 28 + TextMetrics.width(evidence.rawValue, size: 11)
        }
        return top + 24
    }
}
