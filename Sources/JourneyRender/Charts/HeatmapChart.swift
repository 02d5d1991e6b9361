import Foundation

/// A heatmap of shares: one row per group (a retention cohort), one column per period, each
/// cell shaded by its share (white at 0 to the accent colour at the row set's largest share) and
/// labelled with it; cells that have no value (periods not begun) stay empty.
public struct HeatmapChart: Sendable {
    /// One row: its label, a note (such as its size), and a share (0 to 1) per column, nil when none.
    public struct Row: Sendable {
        public var label: String
        public var note: String
        public var values: [Double?]

        public init(label: String, note: String, values: [Double?]) {
            self.label = label
            self.note = note
            self.values = values
        }
    }

    public var title: String
    public var columns: [String]
    public var rows: [Row]

    static let labelWidth = 140.0
    static let noteWidth = 120.0
    static let cellHeight = 24.0

    public init(title: String, columns: [String], rows: [Row]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        guard !rows.isEmpty, !columns.isEmpty else { return ChartFrame.noData(title: title, message: "No data: no cohort yet") }
        let width = ChartFrame.width
        var svg = SVGBuilder()
        var y = ChartFrame.heading(into: &svg, title, width: width)
        let left = ChartFrame.margin + Self.labelWidth + Self.noteWidth
        let cellWidth = max(4, (width - ChartFrame.margin - left) / Double(columns.count))
        for (index, column) in columns.enumerated() {
            svg.text(column, x: left + cellWidth * (Double(index) + 0.5), y: y + 12, size: 10.5, fill: Palette.muted, anchor: "middle")
        }
        y += 20
        let largest = rows.flatMap { $0.values.compactMap { $0 } }.map(ChartFrame.clean).max() ?? 0
        for row in rows {
            let label = TextMetrics.wrap(row.label, width: Self.labelWidth - 8, size: 12, bold: true, maxLines: 1)[0]
            svg.text(label, x: ChartFrame.margin, y: y + 16, size: 12, weight: "600")
            svg.text(row.note, x: ChartFrame.margin + Self.labelWidth, y: y + 16, size: 11, fill: Palette.muted)
            for (index, value) in row.values.enumerated() where index < columns.count {
                guard let value else { continue }
                let share = ChartFrame.clean(value)
                let strength = largest > 0 ? share / largest : 0
                let x = left + cellWidth * Double(index)
                svg.rect(x: x + 1, y: y + 1, width: cellWidth - 2, height: Self.cellHeight - 2, fill: Self.shade(strength), className: "cell",
                         title: "\(row.label), \(columns[index]): \(ChartFormat.percent(share))")
                svg.text(ChartFormat.percent(share), x: x + cellWidth / 2, y: y + 16, size: 10.5, weight: "600",
                         fill: strength > 0.55 ? Palette.paper : Palette.ink, anchor: "middle")
            }
            y += Self.cellHeight
        }
        return svg.document(width: width, height: y + ChartFrame.margin, title: title)
    }

    /// White mixed with the accent colour by `strength` (0 to 1).
    static func shade(_ strength: Double) -> String {
        let accent = (61.0, 90.0, 254.0)  // Palette.curve
        func mix(_ channel: Double) -> Int { Int((255 - (255 - channel) * min(1, max(0, strength))).rounded()) }
        let (r, g, b) = (mix(accent.0), mix(accent.1), mix(accent.2))
        return "#" + [r, g, b].map { String(format: "%02x", $0) }.joined()
    }
}
