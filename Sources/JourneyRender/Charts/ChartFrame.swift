/// Layout constants and pieces every chart shares: the heading and the "No data" picture.
enum ChartFrame {
    static let width = 960.0
    static let margin = 24.0
    static let titleSize = 16.0
    /// Where a chart's content starts below its heading.
    static let contentTop = margin + 34

    /// Draws the chart heading; returns the y where content may start.
    static func heading(into svg: inout SVGBuilder, _ title: String, width: Double) -> Double {
        let line = TextMetrics.wrap(title, width: width - 2 * margin, size: titleSize, bold: true, maxLines: 1)[0]
        svg.text(line, x: margin, y: margin + titleSize, size: titleSize, weight: "700", rightEdge: width - margin, className: "chart-title")
        return contentTop
    }

    /// A small standalone picture that says there is nothing to draw.
    static func noData(title: String, message: String = "No data") -> String {
        var svg = SVGBuilder()
        let top = heading(into: &svg, title, width: width)
        svg.rect(x: margin, y: top, width: width - 2 * margin, height: 64, fill: Palette.card, stroke: Palette.cardStroke, radius: 6)
        svg.text(message, x: width / 2, y: top + 37, size: 13, fill: Palette.muted, anchor: "middle", className: "no-data")
        return svg.document(width: width, height: top + 64 + margin, title: title)
    }

    /// A line of text with a white halo so it stays readable over bands and edges.
    static func haloText(_ text: String, x: Double, y: Double, size: Double, weight: String = "600", fill: String = Palette.ink,
                         anchor: String? = nil, className: String? = nil) -> String {
        var markup = "<text x=\"\(f(x))\" y=\"\(f(y))\" font-size=\"\(f(size))\" font-weight=\"\(weight)\" fill=\"\(fill)\""
        if let anchor { markup += " text-anchor=\"\(anchor)\"" }
        markup += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\""
        if let className { markup += " class=\"\(className)\"" }
        return markup + ">\(XML.escape(text))</text>"
    }

    /// A non-negative, finite copy of a value.
    static func clean(_ value: Double) -> Double { value.isFinite ? max(value, 0) : 0 }

    /// A title line shown on hover; the SVGBuilder escapes it.
    static func titled(_ text: String) -> String { "<title>\(XML.escape(text))</title>" }
}
