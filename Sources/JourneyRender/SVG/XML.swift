/// XML text escaping that keeps any input well formed.
public enum XML {
    /// Escapes `& < > " '` and drops characters XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF || (0x7F...0x84).contains(value) || (0x86...0x9F).contains(value) {
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Builds SVG markup with deterministic number formatting.
struct SVGBuilder {
    private(set) var body: [String] = []

    mutating func raw(_ markup: String) { body.append(markup) }

    mutating func insert(_ markup: [String], at index: Int) { body.insert(contentsOf: markup, at: index) }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, radius: Double = 0,
                       dash: String? = nil, className: String? = nil, title: String? = nil) {
        var markup = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\""
        if radius > 0 { markup += " rx=\"\(f(radius))\"" }
        markup += " fill=\"\(fill)\""
        if let stroke { markup += " stroke=\"\(stroke)\"" }
        if let dash { markup += " stroke-dasharray=\"\(dash)\"" }
        if let className { markup += " class=\"\(className)\"" }
        if let title {
            markup += "><title>\(XML.escape(title))</title></rect>"
        } else {
            markup += "/>"
        }
        body.append(markup)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, title: String? = nil) {
        var markup = "<circle cx=\"\(f(cx))\" cy=\"\(f(cy))\" r=\"\(f(r))\" fill=\"\(fill)\""
        if let stroke { markup += " stroke=\"\(stroke)\" stroke-width=\"2\"" }
        markup += title.map { "><title>\(XML.escape($0))</title></circle>" } ?? "/>"
        body.append(markup)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var markup = "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
        if let dash { markup += " stroke-dasharray=\"\(dash)\"" }
        body.append(markup + "/>")
    }

    mutating func path(_ d: String, fill: String = "none", stroke: String, width: Double = 1, className: String? = nil) {
        var markup = "<path d=\"\(d)\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
        if let className { markup += " class=\"\(className)\"" }
        body.append(markup + "/>")
    }

    /// One line of text at a baseline; right-to-left text is anchored at `rightEdge` when given.
    mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, weight: String? = nil, fill: String = Palette.ink,
                       anchor: String? = nil, rightEdge: Double? = nil, className: String? = nil) {
        var markup = "<text"
        if TextMetrics.isRightToLeft(content), anchor == nil, let rightEdge {
            markup += " x=\"\(f(rightEdge))\" direction=\"rtl\""
        } else {
            markup += " x=\"\(f(x))\""
            if let anchor { markup += " text-anchor=\"\(anchor)\"" }
        }
        markup += " y=\"\(f(y))\" font-size=\"\(f(size))\""
        if let weight { markup += " font-weight=\"\(weight)\"" }
        if fill != Palette.ink { markup += " fill=\"\(fill)\"" }
        if let className { markup += " class=\"\(className)\"" }
        body.append(markup + ">\(XML.escape(content))</text>")
    }

    /// Wrapped lines starting at a top edge.
    mutating func lines(_ lines: [String], x: Double, top: Double, size: Double = 12, lineHeight: Double, weight: String? = nil,
                        fill: String = Palette.ink, rightEdge: Double? = nil) {
        for (index, line) in lines.enumerated() {
            text(line, x: x, y: top + size + Double(index) * lineHeight, size: size, weight: weight, fill: fill, rightEdge: rightEdge)
        }
    }

    mutating func group(translateX: Double, translateY: Double, _ content: SVGBuilder) {
        body.append("<g transform=\"translate(\(f(translateX)) \(f(translateY)))\">")
        body.append(contentsOf: content.body)
        body.append("</g>")
    }

    func document(width: Double, height: Double, title: String) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\""
        out += " font-family=\"Inter, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif\" role=\"img\">\n"
        out += "<title>\(XML.escape(title))</title>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"\(Palette.paper)\"/>\n"
        out += body.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }
}

/// Formats a coordinate with at most one decimal, deterministically.
func f(_ value: Double) -> String {
    guard value.isFinite, abs(value) < 1e12 else { return "0" }
    let rounded = (value * 10).rounded() / 10
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    let tenths = Int((abs(rounded) * 10).rounded())
    return (rounded < 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
}
