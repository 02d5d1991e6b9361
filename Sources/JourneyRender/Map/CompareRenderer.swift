import JourneyModel

/// Draws a current-state map and its future-state map side by side in one SVG,
/// with the designed emotion of shared touchpoints compared underneath.
public struct CompareRenderer: Sendable {
    let current: JourneyMap
    let future: JourneyMap
    let workspace: Workspace
    let options: JourneyMapRenderer.Options

    /// Creates a renderer for two maps of a workspace.
    public init(current: JourneyMap, future: JourneyMap, workspace: Workspace, options: JourneyMapRenderer.Options = .init()) {
        self.current = current
        self.future = future
        self.workspace = workspace
        self.options = options
    }

    /// Both maps, left and right, as one SVG document.
    public func svg() -> String {
        var noLegend = options
        noLegend.legend = false
        let left = JourneyMapRenderer(journey: current, workspace: workspace, options: noLegend).draw()
        let right = JourneyMapRenderer(journey: future, workspace: workspace, options: noLegend).draw()
        let gap = 40.0
        var svg = SVGBuilder()
        svg.text("Current state", x: 24, y: 30, size: 13, weight: "700", fill: Palette.muted)
        svg.text("Future state", x: left.width + gap + 24, y: 30, size: 13, weight: "700", fill: Palette.curve)
        svg.group(translateX: 0, translateY: 36, left.builder)
        svg.line(x1: left.width + gap / 2, y1: 20, x2: left.width + gap / 2, y2: max(left.height, right.height) + 36, stroke: Palette.grid, width: 2, dash: "6 6")
        svg.group(translateX: left.width + gap, translateY: 36, right.builder)
        var y = max(left.height, right.height) + 44
        y = drawEmotionChanges(into: &svg, top: y)
        y = Legend.draw(into: &svg, top: y + 8, left: 24)
        return svg.document(width: left.width + gap + right.width, height: y + 24, title: "\(current.title) → \(future.title)")
    }

    /// Emotion differences per shared touchpoint, largest first, as bars.
    func drawEmotionChanges(into svg: inout SVGBuilder, top: Double) -> Double {
        let shared = future.touchpoints.compactMap { touchpoint -> (String, Double, Double)? in
            guard let after = touchpoint.emotion, let before = current.touchpoint(touchpoint.id)?.emotion else { return nil }
            return (touchpoint.name, before, after)
        }
        let added = future.touchpoints.filter { current.touchpoint($0.id) == nil }.count
        let removed = current.touchpoints.filter { future.touchpoint($0.id) == nil }.count
        svg.text("Designed emotion, current → future (\(shared.count) shared touchpoints, \(added) added, \(removed) removed)",
                 x: 24, y: top + 14, size: 14, weight: "700")
        var y = top + 28
        let scale = current.emotionScale
        let unit = 60.0 / max(scale.max - scale.min, 1)
        let axis = 24.0 + 330
        for (name, before, after) in shared {
            let delta = after - before
            let label = TextMetrics.wrap(name, width: 300, size: 11.5, maxLines: 1)[0]
            svg.text(label, x: 24, y: y + 12, size: 11.5)
            let colour = delta > 0 ? Palette.positive : delta < 0 ? Palette.negative : Palette.neutral
            let length = abs(delta) * unit
            svg.rect(x: delta >= 0 ? axis : axis - length, y: y + 3, width: max(length, 1.5), height: 11, fill: colour, radius: 2)
            let text = "\(NumberFormat.canonical(before)) → \(NumberFormat.canonical(after))" + (delta == 0 ? "" : " (\(delta > 0 ? "+" : "")\(NumberFormat.canonical(delta)))")
            svg.text(text, x: axis + 8 + max(0, delta) * unit, y: y + 12, size: 11, fill: Palette.muted)
            y += 18
        }
        svg.line(x1: axis, y1: top + 26, x2: axis, y2: y, stroke: Palette.neutral)
        return y + 8
    }
}
