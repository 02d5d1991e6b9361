import JourneyModel

/// Draws a journey map as SVG: persona header, stage columns, one row per lane,
/// the emotion curve, pain-point and opportunity markers, evidence badges and a legend.
///
/// Output depends only on the input: the same map gives the same bytes.
public struct JourneyMapRenderer: Sendable {
    /// Rendering choices.
    public struct Options: Sendable {
        /// Photo URLs (typically `data:` URLs) by persona id; personas without one get an initials avatar.
        public var photos: [String: String]
        /// Whether to draw the legend.
        public var legend: Bool
        /// Measured numbers by touchpoint id, drawn as the first lane ("Measured"): one card line each.
        public var measured: [String: [String]]
        /// Open comment threads by element (`stage:ID`, `touchpoint:ID`), drawn as a marker with their number.
        public var comments: [String: Int]
        /// Where each element's comment marker links to (`#comment-12`), by element as in `comments`; none when missing.
        public var commentLinks: [String: String]

        /// Creates options.
        public init(photos: [String: String] = [:], legend: Bool = true, measured: [String: [String]] = [:], comments: [String: Int] = [:],
                    commentLinks: [String: String] = [:]) {
            self.photos = photos
            self.legend = legend
            self.measured = measured
            self.comments = comments
            self.commentLinks = commentLinks
        }
    }

    static let margin = 24.0
    static let labelWidth = 150.0
    static let columnWidth = 196.0
    static let cellPadding = 6.0
    static let emotionHeight = 150.0

    let journey: JourneyMap
    let workspace: Workspace
    let options: Options

    /// Creates a renderer for a map of a workspace.
    public init(journey: JourneyMap, workspace: Workspace, options: Options = Options()) {
        self.journey = journey
        self.workspace = workspace
        self.options = options
    }

    /// The map as a standalone SVG document.
    public func svg() -> String {
        let drawing = draw()
        return drawing.builder.document(width: drawing.width, height: drawing.height, title: "Journey map: \(journey.title)")
    }

    /// A column of the map: a touchpoint in its stage, or an empty stage.
    struct Column {
        var stageIndex: Int
        var touchpoint: Touchpoint?
    }

    var columns: [Column] {
        var columns: [Column] = []
        for (index, group) in journey.touchpointsByStage.enumerated() {
            if group.touchpoints.isEmpty {
                columns.append(Column(stageIndex: index, touchpoint: nil))
            } else {
                columns += group.touchpoints.map { Column(stageIndex: index, touchpoint: $0) }
            }
        }
        return columns
    }

    /// The drawing and its size.
    func draw() -> (builder: SVGBuilder, width: Double, height: Double) {
        let columns = self.columns
        let gridLeft = Self.margin + Self.labelWidth
        let width = max(960, gridLeft + Double(columns.count) * Self.columnWidth + Self.margin)
        var svg = SVGBuilder()
        var y = Self.margin
        y = drawHeader(into: &svg, top: y, width: width)
        y += 12
        let bandIndex = svg.body.count
        let gridTop = y
        y = drawStages(into: &svg, columns: columns, top: y, left: gridLeft)
        y = drawTouchpointRow(into: &svg, columns: columns, top: y, left: gridLeft)
        let factory = CardFactory(textWidth: Self.columnWidth - 2 * Self.cellPadding - 2 * CardSpec.padding - 14)
        let lanes = laneRows(factory: factory)
        var emotionDrawn = false
        for lane in lanes {
            if lane.label == "Emotion" {
                y = drawEmotionRow(into: &svg, columns: columns, top: y, left: gridLeft)
                emotionDrawn = true
                continue
            }
            y = drawCardRow(into: &svg, label: lane.label, key: lane.key, touchpoints: columns.map { $0.touchpoint?.id },
                            cards: columns.map { $0.touchpoint.map(lane.cards) ?? [] }, top: y, left: gridLeft)
        }
        if !emotionDrawn { y = drawEmotionRow(into: &svg, columns: columns, top: y, left: gridLeft) }
        svg.insert(stageBands(columns: columns, top: gridTop + 40, bottom: y, left: gridLeft), at: bandIndex)
        if options.legend {
            y = Legend.draw(into: &svg, top: y + 16, left: Self.margin)
        }
        return (svg, width, y + Self.margin)
    }

    struct LaneRow {
        var label: String
        /// The lane's key in the journey-as-code format (`lane:ID` for a free lane), named by the cards' `data-lane`.
        var key: String = ""
        var cards: (Touchpoint) -> [CardSpec]
    }

    func laneRows(factory: CardFactory) -> [LaneRow] {
        var rows: [LaneRow] = [
            LaneRow(label: "Actions", key: "actions") { $0.actions.map { factory.plain($0) } },
            LaneRow(label: "Thoughts & questions", key: "thoughts") { $0.thoughts.map { factory.plain($0, fill: "#f5f3ff", stroke: "#c4b5fd") } + $0.questions.map(factory.question) },
            LaneRow(label: "Emotion", key: "emotion") { _ in [] },
            LaneRow(label: "Pain points", key: "pain_points") { $0.painPoints.map(factory.pain) },
            LaneRow(label: "Opportunities", key: "opportunities") { $0.opportunities.map(factory.opportunity) },
            LaneRow(label: "Owner", key: "owner") { $0.owner.map { [factory.owner($0)] } ?? [] },
            LaneRow(label: "KPIs", key: "kpis") { $0.kpis.map(factory.kpi) },
        ]
        if !options.measured.isEmpty {
            let measured = options.measured
            rows.insert(LaneRow(label: "Measured", key: "measured") { touchpoint in
                measured[touchpoint.id].map { lines in [CardSpec(lines: lines.flatMap(factory.wrap), fill: "#ecfdf5", stroke: "#6ee7b7")] } ?? []
            }, at: 0)
        }
        rows = rows.filter { row in row.label == "Emotion" || journey.touchpoints.contains { !row.cards($0).isEmpty } }
        for lane in journey.lanes {
            rows.append(LaneRow(label: lane.name, key: "lane:\(lane.id)") { touchpoint in
                lane.card(for: touchpoint.id).map { [factory.plain($0, fill: "#f5f7fa", stroke: Palette.grid)] } ?? []
            })
        }
        return rows
    }

    // MARK: Rows

    func drawLabel(into svg: inout SVGBuilder, _ label: String, top: Double, height: Double) {
        svg.rect(x: Self.margin, y: top, width: Self.labelWidth - 4, height: height, fill: Palette.laneLabel, radius: 4)
        let lines = TextMetrics.wrap(label, width: Self.labelWidth - 24, size: 12, bold: true, maxLines: 4)
        svg.lines(lines, x: Self.margin + 10, top: top + 8, size: 12, lineHeight: 15, weight: "600", fill: Palette.ink,
                  rightEdge: Self.margin + Self.labelWidth - 14)
    }

    func drawCardRow(into svg: inout SVGBuilder, label: String, key: String = "", touchpoints: [String?] = [], cards: [[CardSpec]], top: Double,
                     left: Double) -> Double {
        let height = max(44, (cards.map(CardSpec.cellHeight).max() ?? 0) + 2 * Self.cellPadding)
        drawLabel(into: &svg, label, top: top, height: height)
        svg.line(x1: left, y1: top + height + 2, x2: left + Double(cards.count) * Self.columnWidth, y2: top + height + 2, stroke: Palette.grid)
        for (index, cell) in cards.enumerated() {
            var cardTop = top + Self.cellPadding
            let x = left + Double(index) * Self.columnWidth + Self.cellPadding
            let cardWidth = Self.columnWidth - 2 * Self.cellPadding
            // The cards of a touchpoint's lane, named for scripts that attach to them.
            let owner = index < touchpoints.count ? touchpoints[index] : nil
            if let owner, !cell.isEmpty { svg.raw("<g data-touchpoint=\"\(XML.escape(owner))\" data-lane=\"\(XML.escape(key))\">") }
            for card in cell {
                drawCard(into: &svg, card, x: x, y: cardTop, width: cardWidth)
                cardTop += card.height + CardSpec.gap
            }
            if owner != nil, !cell.isEmpty { svg.raw("</g>") }
        }
        return top + height + 6
    }

    func drawCard(into svg: inout SVGBuilder, _ card: CardSpec, x: Double, y: Double, width: Double) {
        svg.rect(x: x, y: y, width: width, height: card.height, fill: card.fill, stroke: card.stroke, radius: 5, dash: card.dash, title: card.tooltip)
        var lineTop = y + CardSpec.padding - 2
        let right = x + width - CardSpec.padding - (card.evidence == nil ? 0 : 14)
        if let heading = card.heading {
            svg.text(heading, x: x + CardSpec.padding, y: lineTop + 10, size: 8.5, weight: "700", fill: card.headingInk)
            lineTop += CardSpec.lineHeight
        }
        svg.lines(card.lines, x: x + CardSpec.padding, top: lineTop, size: CardSpec.size, lineHeight: CardSpec.lineHeight, fill: card.ink, rightEdge: right)
        lineTop += Double(card.lines.count) * CardSpec.lineHeight
        svg.lines(card.footer, x: x + CardSpec.padding, top: lineTop, size: 10.5, lineHeight: CardSpec.lineHeight, fill: Palette.muted, rightEdge: right)
        if let evidence = card.evidence {
            EvidenceBadge.drawLetter(into: &svg, evidence, x: x + width - 15, y: y + 4)
        }
    }

    func drawStages(into svg: inout SVGBuilder, columns: [Column], top: Double, left: Double) -> Double {
        let height = 40.0
        drawLabel(into: &svg, "Stages", top: top, height: height)
        var start = 0
        while start < columns.count {
            let stageIndex = columns[start].stageIndex
            var end = start
            while end + 1 < columns.count, columns[end + 1].stageIndex == stageIndex { end += 1 }
            let stage = journey.stages[stageIndex]
            let x = left + Double(start) * Self.columnWidth + 2
            let spanWidth = Double(end - start + 1) * Self.columnWidth - 4
            let colour = stageIndex % Palette.stageFills.count
            svg.raw("<g data-stage=\"\(XML.escape(stage.id))\">")
            svg.rect(x: x, y: top, width: spanWidth, height: height, fill: Palette.stageFills[colour], radius: 6,
                     title: stage.description)
            let name = TextMetrics.wrap(stage.name, width: spanWidth - 20, size: 14, bold: true, maxLines: 1).first ?? ""
            svg.text(name, x: x + spanWidth / 2, y: top + 25, size: 14, weight: "700", fill: Palette.stageInks[colour], anchor: "middle")
            drawCommentMarker(into: &svg, options.comments["stage:\(stage.id)"], link: options.commentLinks["stage:\(stage.id)"], right: x + spanWidth - 6, top: top + 6)
            svg.raw("</g>")
            start = end + 1
        }
        return top + height + 6
    }

    /// Faint bands under each stage that keep the columns readable.
    func stageBands(columns: [Column], top: Double, bottom: Double, left: Double) -> [String] {
        var bands: [String] = []
        var start = 0
        while start < columns.count {
            let stageIndex = columns[start].stageIndex
            var end = start
            while end + 1 < columns.count, columns[end + 1].stageIndex == stageIndex { end += 1 }
            let colour = Palette.stageFills[stageIndex % Palette.stageFills.count]
            let x = left + Double(start) * Self.columnWidth + 2
            let width = Double(end - start + 1) * Self.columnWidth - 4
            bands.append("<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(width))\" height=\"\(f(bottom - top))\" fill=\"\(colour)\" opacity=\"0.35\"/>")
            start = end + 1
        }
        return bands
    }

    func drawTouchpointRow(into svg: inout SVGBuilder, columns: [Column], top: Double, left: Double) -> Double {
        let nameWidth = Self.columnWidth - 2 * Self.cellPadding - 16
        let named = columns.map { column in
            column.touchpoint.map { TextMetrics.wrap($0.name, width: nameWidth, size: 13, bold: true, maxLines: 8) } ?? []
        }
        let height = max(64, Double(named.map(\.count).max() ?? 1) * 16 + 42)
        drawLabel(into: &svg, "Touchpoints", top: top, height: height)
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * Self.columnWidth + Self.cellPadding
            let width = Self.columnWidth - 2 * Self.cellPadding
            guard let touchpoint = column.touchpoint else {
                svg.rect(x: x, y: top, width: width, height: height, fill: "none", stroke: Palette.grid, radius: 6, dash: "4 3")
                svg.text("no touchpoints", x: x + width / 2, y: top + height / 2 + 4, size: 11, fill: Palette.muted, anchor: "middle")
                continue
            }
            let isGoal = journey.goal == touchpoint.id
            svg.raw("<g data-touchpoint=\"\(XML.escape(touchpoint.id))\" data-stage=\"\(XML.escape(touchpoint.stage))\" data-lane=\"touchpoint\">")
            defer { svg.raw("</g>") }
            svg.rect(x: x, y: top, width: width, height: height, fill: "#ffffff", stroke: isGoal ? Palette.positive : "#9aa5b1", radius: 6,
                     title: touchpoint.description)
            svg.lines(named[index], x: x + 8, top: top + 6, size: 13, lineHeight: 16, weight: "700", rightEdge: x + width - 8)
            let pillTop = top + height - 24
            let channelWidth = min(width - 16, TextMetrics.width(touchpoint.channel, size: 10.5) + 14)
            svg.rect(x: x + 8, y: pillTop, width: channelWidth, height: 17, fill: "#e4e7eb", radius: 8.5)
            svg.text(TextMetrics.wrap(touchpoint.channel, width: channelWidth - 12, size: 10.5, maxLines: 1)[0],
                     x: x + 15, y: pillTop + 12.5, size: 10.5, fill: Palette.muted)
            var badgeRight = x + width - 8
            if let evidence = touchpoint.evidence {
                badgeRight = EvidenceBadge.drawPill(into: &svg, evidence, right: badgeRight, y: pillTop)
            }
            drawCommentMarker(into: &svg, options.comments["touchpoint:\(touchpoint.id)"], link: options.commentLinks["touchpoint:\(touchpoint.id)"], right: x + width - 4, top: top - 8)
            if isGoal {
                let goalWidth = 34.0
                svg.rect(x: badgeRight - goalWidth, y: pillTop, width: goalWidth, height: 17, fill: Palette.positive, radius: 8.5)
                svg.text("GOAL", x: badgeRight - goalWidth / 2, y: pillTop + 12.5, size: 9, weight: "700", fill: "#ffffff", anchor: "middle")
            }
        }
        return top + height + 8
    }

    /// A speech-bubble marker with the number of open comment threads on an element, a link to `link` when given.
    func drawCommentMarker(into svg: inout SVGBuilder, _ count: Int?, link: String? = nil, right: Double, top: Double) {
        guard let count, count > 0 else { return }
        let text = ChartFormat.count(count)
        let width = max(22, TextMetrics.width(text, size: 10.5, bold: true) + 12)
        if let link {
            svg.raw("<a href=\"\(XML.escape(link))\" aria-label=\"\(text) open comment thread\(count == 1 ? "" : "s"): show\">")
        }
        defer { if link != nil { svg.raw("</a>") } }
        svg.raw("<g class=\"comment-marker\">")
        svg.rect(x: right - width, y: top, width: width, height: 16, fill: "#fefcbf", stroke: "#b7791f", radius: 8,
                 title: "\(text) open comment thread\(count == 1 ? "" : "s")")
        svg.text(text, x: right - width / 2, y: top + 12, size: 10.5, weight: "700", fill: "#744210", anchor: "middle")
        svg.raw("</g>")
    }

    func drawHeader(into svg: inout SVGBuilder, top: Double, width: Double) -> Double {
        var y = top
        let titleLines = TextMetrics.wrap(journey.title, width: width - 2 * Self.margin - 160, size: 22, bold: true, maxLines: 3)
        svg.lines(titleLines, x: Self.margin, top: y, size: 22, lineHeight: 27, weight: "700", rightEdge: width - Self.margin - 160)
        let stateText = journey.state == .future ? "FUTURE STATE" : "CURRENT STATE"
        svg.rect(x: width - Self.margin - 130, y: y + 2, width: 130, height: 24, fill: journey.state == .future ? "#e8f0fe" : "#f0f4f8",
                 stroke: journey.state == .future ? Palette.curve : Palette.neutral, radius: 12, dash: journey.state == .future ? "4 3" : nil)
        svg.text(stateText, x: width - Self.margin - 65, y: y + 18, size: 11, weight: "700",
                 fill: journey.state == .future ? Palette.curve : Palette.muted, anchor: "middle")
        y += Double(titleLines.count) * 27 + 6
        var facts: [String] = []
        if let objective = journey.objective { facts.append("Objective: \(objective)") }
        if let goal = journey.goal {
            let goalName = journey.touchpoint(goal)?.name ?? journey.stage(goal)?.name ?? goal
            facts.append("Goal: \(goalName)")
        }
        if journey.state == .future, let improves = journey.improves {
            facts.append("Improves: \(workspace.journey(improves)?.title ?? improves)")
        }
        for fact in facts {
            let lines = TextMetrics.wrap(fact, width: width - 2 * Self.margin, size: 13, maxLines: 3)
            svg.lines(lines, x: Self.margin, top: y, size: 13, lineHeight: 17, fill: Palette.muted, rightEdge: width - Self.margin)
            y += Double(lines.count) * 17 + 2
        }
        y += 10
        let personas = journey.personas.compactMap { workspace.persona($0) }
        return PersonaHeader.draw(personas, into: &svg, top: y, left: Self.margin, width: width - 2 * Self.margin, photos: options.photos)
    }
}
