/// A horizontal funnel: one bar per step, proportional to its customers, labelled with the
/// count and the share of the first step, with the share going on from the previous step and the
/// drop-off between bars. (A funnel shows progress through its steps, not conversion, which means
/// reaching the map's goal.)
///
/// Output depends only on the input: the same steps give the same bytes.
public struct FunnelChart: Sendable {
    /// One step of the funnel.
    public struct Step: Sendable, Equatable {
        /// The step's name (a stage or a touchpoint).
        public var label: String
        /// Customers who reached this step; negative values are drawn as zero.
        public var customers: Int
        /// Share of the previous step's customers who reached this one (0…1); computed from the counts when nil.
        public var fromPrevious: Double?
        /// The median time to reach this step, already formatted (for example `2.1 d`).
        public var medianTime: String?

        /// Creates a step.
        public init(label: String, customers: Int, fromPrevious: Double? = nil, medianTime: String? = nil) {
            self.label = label
            self.customers = customers
            self.fromPrevious = fromPrevious
            self.medianTime = medianTime
        }
    }

    /// The chart's title, shown on top and read by screen readers.
    public var title: String
    /// The steps in funnel order.
    public var steps: [Step]

    static let labelWidth = 220.0
    static let barLeft = ChartFrame.margin + labelWidth + 16
    static let valueReserve = 150.0
    static let barHeight = 34.0
    static let gapHeight = 34.0

    /// Creates a funnel chart.
    public init(title: String = "Funnel", steps: [Step]) {
        self.title = title
        self.steps = steps
    }

    /// The widest a bar may be (the step with the most customers).
    static var barMaxWidth: Double { ChartFrame.width - ChartFrame.margin - valueReserve - barLeft }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        guard !steps.isEmpty else { return ChartFrame.noData(title: title, message: "No data: the funnel has no steps") }
        let width = ChartFrame.width
        var svg = SVGBuilder()
        var y = ChartFrame.heading(into: &svg, title, width: width)
        let counts = steps.map { max($0.customers, 0) }
        let largest = counts.max() ?? 0
        let first = counts[0]
        let barColour = Palette.curve

        for (index, step) in steps.enumerated() {
            if index > 0 {
                y = drawTransition(into: &svg, from: counts[index - 1], to: counts[index], step: step, top: y)
            }
            let count = counts[index]
            let lines = TextMetrics.wrap(step.label, width: Self.labelWidth, size: 12.5, bold: true, maxLines: 2)
            let lineTop = y + Self.barHeight / 2 - Double(lines.count) * 15 / 2 - 2
            svg.lines(lines, x: ChartFrame.margin, top: lineTop, size: 12.5, lineHeight: 15, weight: "600",
                      rightEdge: ChartFrame.margin + Self.labelWidth)
            let barWidth = (ChartFormat.ratio(Double(count), Double(largest)) ?? 0) * Self.barMaxWidth
            svg.rect(x: Self.barLeft, y: y, width: Self.barMaxWidth, height: Self.barHeight, fill: Palette.card, className: "track")
            let share = ChartFormat.ratio(Double(count), Double(first)).map { ChartFormat.percent($0) } ?? "–"
            svg.rect(x: Self.barLeft, y: y, width: barWidth, height: Self.barHeight, fill: barColour, radius: 2, className: "bar",
                     title: "\(step.label): \(ChartFormat.count(count)) customers, \(share) of the first step")
            if count == 0 {
                svg.line(x1: Self.barLeft, y1: y, x2: Self.barLeft, y2: y + Self.barHeight, stroke: Palette.negative, width: 2)
            }
            let valueX = Self.barLeft + barWidth + 8
            svg.text(ChartFormat.count(count), x: valueX, y: y + 15, size: 13, weight: "700", className: "value")
            svg.text(index == 0 ? "first step" : "\(share) of first", x: valueX, y: y + 29, size: 10.5, fill: Palette.muted)
            y += Self.barHeight
        }
        return svg.document(width: width, height: y + ChartFrame.margin, title: title)
    }

    /// The band between two bars: the share going on from the previous step, drop-off and median time.
    func drawTransition(into svg: inout SVGBuilder, from previous: Int, to count: Int, step: Step, top: Double) -> Double {
        let onward = step.fromPrevious.flatMap { $0.isFinite ? $0 : nil } ?? ChartFormat.ratio(Double(count), Double(previous))
        let dropped = max(previous - count, 0)
        var parts: [String] = []
        parts.append(onward.map { "\(ChartFormat.percent($0)) went on" } ?? "no customers at the previous step")
        if dropped > 0 { parts.append("\(ChartFormat.count(dropped)) dropped off") }
        if let time = step.medianTime, !time.isEmpty { parts.append("median \(time) to this step") }
        let x = Self.barLeft + 6
        svg.path("M\(f(x)) \(f(top + 8)) L\(f(x)) \(f(top + Self.gapHeight - 8)) M\(f(x - 4)) \(f(top + Self.gapHeight - 13)) "
                 + "L\(f(x)) \(f(top + Self.gapHeight - 8)) L\(f(x + 4)) \(f(top + Self.gapHeight - 13))",
                 stroke: Palette.muted, width: 1.5)
        let text = TextMetrics.wrap(parts.joined(separator: " · "), width: Self.barMaxWidth + Self.valueReserve - 24, size: 11, maxLines: 1)[0]
        svg.text(text, x: x + 12, y: top + Self.gapHeight / 2 + 4, size: 11, fill: dropped > 0 ? Palette.negative : Palette.muted,
                 className: "transition")
        return top + Self.gapHeight
    }
}
