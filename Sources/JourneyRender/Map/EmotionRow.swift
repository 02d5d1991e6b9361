import JourneyModel

extension JourneyMapRenderer {
    /// The emotion lane: a smooth curve through the designed scores, markers coloured by
    /// valence, the neutral line, and pain-point and opportunity markers under each touchpoint.
    func drawEmotionRow(into svg: inout SVGBuilder, columns: [Column], top: Double, left: Double) -> Double {
        let height = Self.emotionHeight
        drawLabel(into: &svg, "Emotion", top: top, height: height)
        let scale = journey.emotionScale
        let bandTop = top + 22, bandBottom = top + height - 40
        func y(_ score: Double) -> Double { bandBottom - scale.normalized(score) * (bandBottom - bandTop) }

        let right = left + Double(columns.count) * Self.columnWidth
        svg.line(x1: left, y1: y(scale.midpoint), x2: right, y2: y(scale.midpoint), stroke: Palette.neutral, dash: "4 4")
        for (score, label) in [(scale.max, "+"), (scale.midpoint, ""), (scale.min, "")] {
            let text = (label == "+" && score > 0 ? "+" : "") + NumberFormat.canonical((score * 10).rounded() / 10)
            svg.text(text, x: Self.margin + Self.labelWidth - 12, y: y(score) + 4, size: 10, fill: Palette.muted, anchor: "end")
        }
        svg.text("positive", x: Self.margin + 10, y: bandTop + 14, size: 9.5, fill: Palette.positive)
        svg.text("negative", x: Self.margin + 10, y: bandBottom, size: 9.5, fill: Palette.negative)

        var points: [(x: Double, y: Double, score: Double, touchpoint: Touchpoint)] = []
        for (index, column) in columns.enumerated() {
            guard let touchpoint = column.touchpoint, let emotion = touchpoint.emotion else { continue }
            let x = left + (Double(index) + 0.5) * Self.columnWidth
            points.append((x, y(emotion), emotion, touchpoint))
        }
        if points.count > 1 {
            svg.path(EmotionCurve.smoothPath(points.map { ($0.x, $0.y) }, minY: bandTop, maxY: bandBottom),
                     stroke: Palette.curve, width: 3, className: "emotion-curve")
        }
        for point in points {
            let normalized = scale.normalized(point.score)
            svg.raw("<g data-touchpoint=\"\(XML.escape(point.touchpoint.id))\" data-lane=\"emotion\">")
            svg.circle(cx: point.x, cy: point.y, r: 7, fill: Palette.valence(normalized), stroke: "#ffffff",
                       title: "\(point.touchpoint.name): \(NumberFormat.canonical(point.score))")
            svg.raw("</g>")
            let label = (point.score > scale.midpoint ? "+" : "") + NumberFormat.canonical(point.score)
            svg.text(label, x: point.x, y: point.y - 12, size: 11, weight: "700", fill: Palette.valence(normalized), anchor: "middle")
        }

        let markerY = top + height - 22
        for (index, column) in columns.enumerated() {
            guard let touchpoint = column.touchpoint else { continue }
            let centre = left + (Double(index) + 0.5) * Self.columnWidth
            let pains = touchpoint.painPoints.count, opportunities = touchpoint.opportunities.count
            var x = centre - (pains > 0 && opportunities > 0 ? 22 : 0)
            if pains > 0 {
                let worst = touchpoint.painPoints.compactMap(\.severity).max() ?? .medium
                Markers.pain(into: &svg, x: x, y: markerY, count: pains, title: "\(pains) pain point\(pains == 1 ? "" : "s"), worst \(worst.rawValue)")
                x += 44
            }
            if opportunities > 0 {
                Markers.opportunity(into: &svg, x: x, y: markerY, count: opportunities,
                                    title: "\(opportunities) opportunit\(opportunities == 1 ? "y" : "ies")")
            }
        }
        svg.line(x1: left, y1: top + height + 2, x2: right, y2: top + height + 2, stroke: Palette.grid)
        return top + height + 6
    }
}

/// Smooth curves through points.
public enum EmotionCurve {
    /// A Catmull-Rom spline through the points as cubic Bézier segments, control points
    /// clamped to `minY…maxY` so the curve never leaves its band.
    public static func smoothPath(_ points: [(x: Double, y: Double)], minY: Double, maxY: Double) -> String {
        guard let first = points.first else { return "" }
        var d = "M\(f(first.x)) \(f(first.y))"
        for index in 0..<(points.count - 1) {
            let p0 = points[max(index - 1, 0)], p1 = points[index], p2 = points[index + 1], p3 = points[min(index + 2, points.count - 1)]
            let c1 = (x: p1.x + (p2.x - p0.x) / 6, y: clamp(p1.y + (p2.y - p0.y) / 6, minY, maxY))
            let c2 = (x: p2.x - (p3.x - p1.x) / 6, y: clamp(p2.y - (p3.y - p1.y) / 6, minY, maxY))
            d += " C\(f(c1.x)) \(f(c1.y)) \(f(c2.x)) \(f(c2.y)) \(f(p2.x)) \(f(p2.y))"
        }
        return d
    }

    static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double { min(max(value, low), high) }
}

/// Pain-point and opportunity markers.
enum Markers {
    static func pain(into svg: inout SVGBuilder, x: Double, y: Double, count: Int, title: String) {
        svg.raw("<g class=\"pain-marker\"><title>\(XML.escape(title))</title>"
            + "<path d=\"M\(f(x - 9)) \(f(y + 7)) L\(f(x)) \(f(y - 9)) L\(f(x + 9)) \(f(y + 7)) Z\" fill=\"\(Palette.pain)\"/>"
            + "<text x=\"\(f(x))\" y=\"\(f(y + 5))\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\" text-anchor=\"middle\">!</text>"
            + "<text x=\"\(f(x + 12))\" y=\"\(f(y + 5))\" font-size=\"11\" font-weight=\"700\" fill=\"\(Palette.pain)\">\(count)</text></g>")
    }

    static func opportunity(into svg: inout SVGBuilder, x: Double, y: Double, count: Int, title: String) {
        svg.raw("<g class=\"opportunity-marker\"><title>\(XML.escape(title))</title>"
            + "<path d=\"M\(f(x)) \(f(y - 9)) L\(f(x + 8)) \(f(y)) L\(f(x)) \(f(y + 9)) L\(f(x - 8)) \(f(y)) Z\" fill=\"\(Palette.opportunity)\"/>"
            + "<text x=\"\(f(x + 12))\" y=\"\(f(y + 5))\" font-size=\"11\" font-weight=\"700\" fill=\"\(Palette.opportunity)\">\(count)</text></g>")
    }
}

/// Evidence badges: a pill on touchpoints, a letter on cards.
enum EvidenceBadge {
    /// Draws a pill ending at `right`; returns the x where the next badge may end.
    static func drawPill(into svg: inout SVGBuilder, _ evidence: Evidence, right: Double, y: Double) -> Double {
        let style = Palette.evidence(evidence.rawValue)
        let width = TextMetrics.width(evidence.rawValue, size: 9.5) + 14
        svg.rect(x: right - width, y: y, width: width, height: 17, fill: style.fill, stroke: style.stroke, radius: 8.5, dash: style.dash)
        svg.text(evidence.rawValue, x: right - width / 2, y: y + 12, size: 9.5, weight: "600", fill: style.ink, anchor: "middle")
        return right - width - 4
    }

    static func drawLetter(into svg: inout SVGBuilder, _ evidence: Evidence, x: Double, y: Double) {
        let style = Palette.evidence(evidence.rawValue)
        svg.rect(x: x, y: y, width: 11, height: 11, fill: style.fill, stroke: style.stroke, radius: 5.5, dash: style.dash, title: evidence.rawValue)
        svg.text(String(evidence.rawValue.prefix(1)).uppercased(), x: x + 5.5, y: y + 8.5, size: 7.5, weight: "700", fill: style.ink, anchor: "middle")
    }
}
