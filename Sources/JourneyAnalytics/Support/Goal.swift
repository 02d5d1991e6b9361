import JourneyModel

/// The map's goal as a set of touchpoints: what *conversion* means in every analysis.
///
/// The goal is the map's `goal`: a touchpoint id (reaching it is a counted event at that
/// touchpoint) or a stage id (a counted event at any touchpoint of that stage). A map without a
/// goal has its last stage as its goal. A customer *converted* when one of their counted events
/// (inside the query's time range and filters) reaches the goal; the goal has no window of its own,
/// so the funnel's `window_days` does not apply to it. *Conversion* is converted customers over the
/// customers counted (those with at least one counted event). See `docs/analytics.md`,
/// "Definitions".
struct Goal: Sendable {
    /// The goal id as the map names it.
    let id: String?
    /// Per touchpoint, whether reaching it is conversion.
    let touchpoints: [Bool]
    /// The goal's stage index, or the last stage when the map names no goal.
    let stage: Int

    init(_ index: JourneyIndex) throws(AnalysisError) {
        let journey = index.journey
        id = journey.goal
        if let goal = journey.goal, let touchpoint = index.touchpoint(goal) {
            touchpoints = index.touchpointIDs.indices.map { $0 == touchpoint }
            stage = Int(index.touchpointStage[touchpoint])
        } else if let goal = journey.goal {
            guard let stage = index.stage(goal) else {
                throw AnalysisError("goal: '\(goal)' is neither a touchpoint nor a stage of '\(journey.id)'; set the map's goal to a touchpoint id such as '\(index.touchpointIDs.last ?? "order-completed")'")
            }
            touchpoints = index.touchpointStage.map { Int($0) == stage }
            self.stage = stage
        } else {
            let stage = max(0, index.stageIDs.count - 1)
            touchpoints = index.touchpointStage.map { Int($0) == stage }
            self.stage = stage
        }
    }

    /// Whether any counted event of the customer reaches the goal.
    func reached(_ customer: Int, _ selection: Selection) -> Bool {
        let index = selection.index
        for event in selection.events(of: customer) where touchpoints[Int(index.touchpoints[event])] {
            if !selection.filtersEvents || selection.includes(event: event) { return true }
        }
        return false
    }
}
