/// Horizontal bars in the order given, for rankings such as friction points or persona coverage.
///
/// Bar lengths are proportional to the values (the largest fills the track); each row shows
/// its value text beside the bar and an optional detail line under it. Output depends only on the input.
public struct RankingChart: Sendable {
    /// The colour role of a bar.
    public enum Role: String, Sendable, CaseIterable {
        /// The default accent colour.
        case standard
        /// Good news (green).
        case positive
        /// Neither good nor bad (grey).
        case neutral
        /// Low severity (amber).
        case low
        /// Medium severity (orange).
        case medium
        /// High severity (red).
        case high
        /// Critical severity (dark red).
        case critical

        var colour: String {
            switch self {
            case .standard: Palette.curve
            case .positive: Palette.positive
            case .neutral: Palette.neutral
            case .low: "#d69e2e"
            case .medium: "#dd6b20"
            case .high: Palette.negative
            case .critical: "#9b2c2c"
            }
        }
    }

    /// One ranked row.
    public struct Row: Sendable, Equatable {
        /// The row's name.
        public var label: String
        /// The value that sets the bar length; negative and non-finite values are drawn as zero.
        public var value: Double
        /// The value as the reader should see it (for example `1,234 customers` or `12.3%`).
        public var valueText: String
        /// An optional second line, such as the evidence or the stage.
        public var detail: String?
        /// The bar's colour role.
        public var role: Role

        /// Creates a row.
        public init(label: String, value: Double, valueText: String, detail: String? = nil, role: Role = .standard) {
            self.label = label
            self.value = value
            self.valueText = valueText
            self.detail = detail
            self.role = role
        }
    }

    /// The chart's title, shown on top and read by screen readers.
    public var title: String
    /// The rows, drawn top to bottom in this order.
    public var rows: [Row]

    static let labelWidth = 260.0
    static let barLeft = ChartFrame.margin + labelWidth + 16
    static let valueReserve = 170.0
    static let barHeight = 18.0

    /// Creates a ranking chart.
    public init(title: String = "Ranking", rows: [Row]) {
        self.title = title
        self.rows = rows
    }

    /// The widest a bar may be (the row with the largest value).
    static var barMaxWidth: Double { ChartFrame.width - ChartFrame.margin - valueReserve - barLeft }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        guard !rows.isEmpty else { return ChartFrame.noData(title: title, message: "No data: nothing to rank") }
        let width = ChartFrame.width
        var svg = SVGBuilder()
        var y = ChartFrame.heading(into: &svg, title, width: width)
        let values = rows.map { ChartFrame.clean($0.value) }
        let largest = values.max() ?? 0
        for (index, row) in rows.enumerated() {
            let lines = TextMetrics.wrap(row.label, width: Self.labelWidth, size: 12, bold: true, maxLines: 2)
            let details = row.detail.map { TextMetrics.wrap($0, width: Self.barMaxWidth + Self.valueReserve - 8, size: 10.5, maxLines: 1) } ?? []
            let height = max(Double(lines.count) * 15, Self.barHeight + (details.isEmpty ? 0 : 16)) + 14
            if index % 2 == 1 {
                svg.rect(x: ChartFrame.margin - 8, y: y, width: width - 2 * ChartFrame.margin + 16, height: height, fill: Palette.card)
            }
            svg.lines(lines, x: ChartFrame.margin, top: y + 8.5, size: 12, lineHeight: 15, weight: "600", rightEdge: ChartFrame.margin + Self.labelWidth)
            let barWidth = (ChartFormat.ratio(values[index], largest) ?? 0) * Self.barMaxWidth
            svg.rect(x: Self.barLeft, y: y + 7, width: barWidth, height: Self.barHeight, fill: row.role.colour, radius: 2, className: "bar",
                     title: "\(row.label): \(row.valueText)")
            let valueX = Self.barLeft + barWidth + 8
            let valueLine = TextMetrics.wrap(row.valueText, width: width - ChartFrame.margin - valueX, size: 12, bold: true, maxLines: 1)[0]
            svg.text(valueLine, x: valueX, y: y + 21, size: 12, weight: "700", className: "value")
            if let detail = details.first {
                svg.text(detail, x: Self.barLeft, y: y + 7 + Self.barHeight + 13, size: 10.5, fill: Palette.muted)
            }
            y += height
        }
        return svg.document(width: width, height: y + ChartFrame.margin, title: title)
    }
}
