/// The designed emotion curve beside the measured one, touchpoint by touchpoint.
///
/// The designed scores are a dashed line, the measured means a solid line with points and
/// error bars for their confidence interval; a touchpoint without a measurement leaves a gap
/// in the line rather than dropping to zero. Stages are shaded bands named along the bottom.
/// Output depends only on the input.
public struct EmotionComparisonChart: Sendable {
    /// One touchpoint on the horizontal axis.
    public struct Point: Sendable, Equatable {
        /// The touchpoint's name.
        public var label: String
        /// The name of the stage the touchpoint belongs to; consecutive touchpoints with the same name share a band.
        public var stage: String
        /// The score the map's authors expect, on the chart's scale.
        public var designed: Double?
        /// The mean measured score (surveys, feedback), on the chart's scale.
        public var measured: Double?
        /// The lower bound of the measured mean's confidence interval.
        public var lower: Double?
        /// The upper bound of the measured mean's confidence interval.
        public var upper: Double?
        /// How many answers the measured mean is based on.
        public var samples: Int

        /// Creates a point.
        public init(label: String, stage: String, designed: Double? = nil, measured: Double? = nil, lower: Double? = nil,
                    upper: Double? = nil, samples: Int = 0) {
            self.label = label
            self.stage = stage
            self.designed = designed
            self.measured = measured
            self.lower = lower
            self.upper = upper
            self.samples = samples
        }
    }

    /// The chart's title, shown on top and read by screen readers.
    public var title: String
    /// The touchpoints, left to right.
    public var points: [Point]
    /// The bottom of the scale (the map's emotion scale minimum).
    public var min: Double
    /// The top of the scale (the map's emotion scale maximum).
    public var max: Double

    static let axisWidth = 44.0
    static let minimumColumnWidth = 76.0
    static let plotHeight = 240.0
    static let designedColour = Palette.curve
    static let measuredColour = Palette.ink

    /// Creates a comparison chart on the scale `min…max`.
    public init(title: String = "Designed and measured emotion", points: [Point], min: Double = -2, max: Double = 2) {
        self.title = title
        self.points = points
        self.min = min
        self.max = max
    }

    /// The chart as a standalone SVG document.
    public func svg() -> String {
        guard !points.isEmpty else { return ChartFrame.noData(title: title, message: "No data: there are no touchpoints to compare") }
        let (low, high) = scale
        let left = ChartFrame.margin + Self.axisWidth
        let columnWidth = Swift.max(Self.minimumColumnWidth, (ChartFrame.width - left - ChartFrame.margin) / Double(points.count))
        let width = Swift.max(ChartFrame.width, left + Double(points.count) * columnWidth + ChartFrame.margin)
        var svg = SVGBuilder()
        let top = ChartFrame.heading(into: &svg, title, width: width)
        drawLegend(into: &svg, top: top, width: width)
        let plotTop = top + 30, plotBottom = plotTop + Self.plotHeight
        func x(_ index: Int) -> Double { left + (Double(index) + 0.5) * columnWidth }
        func y(_ value: Double) -> Double {
            let clamped = Swift.min(Swift.max(value, low), high)
            return plotBottom - (clamped - low) / (high - low) * Self.plotHeight
        }

        let labels = points.map { Self.wholeWords($0.label, width: columnWidth - 8) }
        let labelLines = labels.map(\.lines)
        let labelsHeight = Double(labelLines.map(\.count).max() ?? 1) * 13 + 18
        let stageTop = plotBottom + 8 + labelsHeight
        var runStart = 0, run = 0
        for index in points.indices where index == points.count - 1 || points[index + 1].stage != points[index].stage {
            let bandLeft = left + Double(runStart) * columnWidth, bandWidth = Double(index - runStart + 1) * columnWidth
            svg.rect(x: bandLeft, y: plotTop, width: bandWidth, height: stageTop + 22 - plotTop, fill: Palette.stageFills[run % Palette.stageFills.count],
                     className: "stage-band")
            let name = TextMetrics.wrap(points[index].stage, width: bandWidth - 8, size: 11, bold: true, maxLines: 1)[0]
            svg.text(name, x: bandLeft + bandWidth / 2, y: stageTop + 15, size: 11, weight: "700",
                     fill: Palette.stageInks[run % Palette.stageInks.count], anchor: "middle")
            runStart = index + 1
            run += 1
        }

        for tick in ticks(low, high) {
            svg.line(x1: left, y1: y(tick), x2: left + Double(points.count) * columnWidth, y2: y(tick), stroke: Palette.grid)
            svg.text((tick > 0 ? "+" : "") + ChartFormat.decimal(tick, digits: tick == tick.rounded() ? 0 : 1),
                     x: left - 8, y: y(tick) + 4, size: 10, fill: Palette.muted, anchor: "end")
        }
        if low < 0, high > 0 {
            svg.raw("<line x1=\"\(f(left))\" y1=\"\(f(y(0)))\" x2=\"\(f(left + Double(points.count) * columnWidth))\" y2=\"\(f(y(0)))\""
                + " stroke=\"\(Palette.neutral)\" stroke-width=\"1.5\" class=\"zero-line\"/>")
        }

        let designed = points.map { value($0.designed) }, measured = points.map { value($0.measured) }
        if let d = Self.brokenLine(designed.indices.map { i in designed[i].map { (x(i), y($0)) } }) {
            svg.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(Self.designedColour)\" stroke-width=\"2\" stroke-dasharray=\"6 4\" class=\"designed\"/>")
        }
        for (index, score) in designed.enumerated() {
            guard let score else { continue }
            svg.raw("<circle cx=\"\(f(x(index)))\" cy=\"\(f(y(score)))\" r=\"3.5\" fill=\"#ffffff\" stroke=\"\(Self.designedColour)\" stroke-width=\"1.5\""
                + " class=\"designed-point\">" + ChartFrame.titled("\(points[index].label): designed \(ChartFormat.decimal(score, digits: 1))") + "</circle>")
        }
        for (index, point) in points.enumerated() {
            guard let lower = value(point.lower), let upper = value(point.upper) else { continue }
            let cx = x(index), top = y(Swift.max(lower, upper)), bottom = y(Swift.min(lower, upper))
            svg.raw("<path d=\"M\(f(cx)) \(f(top)) L\(f(cx)) \(f(bottom)) M\(f(cx - 5)) \(f(top)) L\(f(cx + 5)) \(f(top)) M\(f(cx - 5)) \(f(bottom))"
                + " L\(f(cx + 5)) \(f(bottom))\" fill=\"none\" stroke=\"\(Palette.muted)\" stroke-width=\"1.5\" class=\"error-bar\"/>")
        }
        if let d = Self.brokenLine(measured.indices.map { i in measured[i].map { (x(i), y($0)) } }) {
            svg.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(Self.measuredColour)\" stroke-width=\"2.5\" class=\"measured\"/>")
        }
        for (index, score) in measured.enumerated() {
            guard let score else { continue }
            let point = points[index]
            var name = "\(point.label): measured \(ChartFormat.decimal(score, digits: 2))"
            if let lower = value(point.lower), let upper = value(point.upper) {
                name += " (\(ChartFormat.decimal(lower, digits: 2)) to \(ChartFormat.decimal(upper, digits: 2)))"
            }
            name += ", n = \(ChartFormat.count(point.samples))"
            if let planned = designed[index] { name += "; designed \(ChartFormat.decimal(planned, digits: 1))" }
            svg.raw("<circle cx=\"\(f(x(index)))\" cy=\"\(f(y(score)))\" r=\"5\" fill=\"\(Palette.valence((score - low) / (high - low)))\""
                + " stroke=\"#ffffff\" stroke-width=\"1.5\" class=\"measured-point\">" + ChartFrame.titled(name) + "</circle>")
        }

        for (index, lines) in labelLines.enumerated() {
            for (row, line) in lines.enumerated() {
                svg.text(line, x: x(index), y: plotBottom + 20 + Double(row) * 13, size: labels[index].size, anchor: "middle")
            }
            let samples = measured[index] == nil ? "no data" : "n = \(ChartFormat.count(Swift.max(points[index].samples, 0)))"
            svg.text(samples, x: x(index), y: plotBottom + 20 + Double(lines.count) * 13 + 2, size: 9.5, fill: Palette.muted, anchor: "middle")
        }
        return svg.document(width: width, height: stageTop + 22 + ChartFrame.margin, title: title)
    }

    /// The scale, widened to one unit when `min` is not below `max` or either is not finite.
    var scale: (Double, Double) {
        let low = min.isFinite ? min : -2, high = max.isFinite ? max : 2
        return low < high ? (low, high) : (low, low + 1)
    }

    /// A value that can be drawn: finite, or nil.
    func value(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }

    /// Grid values: every integer on small integer scales, five steps otherwise.
    func ticks(_ low: Double, _ high: Double) -> [Double] {
        if high - low <= 10, low == low.rounded(), high == high.rounded() {
            return stride(from: low, through: high, by: 1).map { $0 }
        }
        return (0...4).map { low + (high - low) * Double($0) / 4 }
    }

    /// A path through runs of two or more points, lifting the pen at every gap; nil when no run has two points.
    static func brokenLine(_ points: [(Double, Double)?]) -> String? {
        var runs: [[(Double, Double)]] = [[]]
        for point in points {
            if let point { runs[runs.count - 1].append(point) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        let segments = runs.filter { $0.count > 1 }.map { run in
            run.enumerated().map { ($0.offset == 0 ? "M" : "L") + "\(f($0.element.0)) \(f($0.element.1))" }.joined(separator: " ")
        }
        return segments.isEmpty ? nil : segments.joined(separator: " ")
    }

    func drawLegend(into svg: inout SVGBuilder, top: Double, width: Double) {
        let right = width - ChartFrame.margin
        let measuredText = "measured mean with interval", designedText = "designed"
        let measuredX = right - TextMetrics.width(measuredText, size: 10.5) - 30
        svg.line(x1: measuredX, y1: top + 6, x2: measuredX + 22, y2: top + 6, stroke: Self.measuredColour, width: 2.5)
        svg.circle(cx: measuredX + 11, cy: top + 6, r: 4, fill: Self.measuredColour)
        svg.text(measuredText, x: measuredX + 28, y: top + 10, size: 10.5, fill: Palette.muted)
        let designedX = measuredX - TextMetrics.width(designedText, size: 10.5) - 52
        svg.line(x1: designedX, y1: top + 6, x2: designedX + 22, y2: top + 6, stroke: Self.designedColour, width: 2, dash: "6 4")
        svg.text(designedText, x: designedX + 28, y: top + 10, size: 10.5, fill: Palette.muted)
    }
}

extension EmotionComparisonChart {
    /// A touchpoint's name on at most three lines of `width`, never broken inside a word: the
    /// font shrinks (10.5, 9.5, 8.5 points) until every word fits a line, and a word too long
    /// even then is shortened with an ellipsis.
    static func wholeWords(_ label: String, width: Double) -> (lines: [String], size: Double) {
        let words = label.split(whereSeparator: \.isWhitespace).map(String.init)
        for size in [10.5, 9.5, 8.5] where words.allSatisfy({ TextMetrics.width($0, size: size) <= width }) {
            return (TextMetrics.wrap(label, width: width, size: size, maxLines: 3), size)
        }
        return (TextMetrics.wrapWords(label, width: width, size: 8.5, maxLines: 3), 8.5)
    }
}
