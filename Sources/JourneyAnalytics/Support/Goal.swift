import JourneyModel

/// The map's goal (a touchpoint id or a stage id) as a set of touchpoints.
struct Goal: Sendable {
    /// The goal id as the map names it.
    let id: String?
    /// Per touchpoint, whether reaching it is conversion.
    let touchpoints: [Bool]
    /// The goal's stage index, or the last stage when the map names no goal.
    let stage: Int

    init(_ index: JourneyIndex) {
        let journey = index.journey
        id = journey.goal
        if let goal = journey.goal, let touchpoint = index.touchpoint(goal) {
            touchpoints = index.touchpointIDs.indices.map { $0 == touchpoint }
            stage = Int(index.touchpointStage[touchpoint])
        } else {
            let stage = journey.goal.flatMap(index.stage) ?? max(0, index.stageIDs.count - 1)
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
