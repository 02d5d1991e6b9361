/// How survey answers follow the experience: scores start from the touchpoint's designed emotion
/// and drop after friction.
enum FeedbackModel {
    /// Free-text answers, from unhappy to happy.
    static let comments = [
        "Took far too long, and nobody could tell me what was going on.",
        "Confusing. I nearly gave up halfway through.",
        "It was OK, but I had to ask twice.",
        "Fine overall; the second step was a bit slow.",
        "Quick and easy, thanks.",
        "Really helpful staff, \"above and beyond\" as they say.",
    ]

    /// A score for a metric: `experience` is 0 (worst) … 1 (best) on the map's emotion scale.
    static func score(_ metric: Feedback.Metric, experience: Double, friction: Bool, using random: inout ScenarioRandom) -> Int {
        let mean: Double, spread: Double, range: ClosedRange<Int>
        switch metric {
        case .nps:
            mean = 2 + 7.5 * experience - (friction ? 2.5 : 0); spread = 2; range = 0...10
        case .csat:
            mean = 1.6 + 3.2 * experience - (friction ? 0.9 : 0); spread = 1; range = 1...5
        case .ces:
            mean = 6.4 - 5 * experience + (friction ? 1.2 : 0); spread = 1; range = 1...7
        case .text:
            return 0
        }
        let value = Int((mean + (random.unit() * 2 - 1) * spread).rounded())
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// The index of a comment whose tone follows the experience.
    static func comment(experience: Double, friction: Bool, using random: inout ScenarioRandom) -> Int {
        let tone = min(max(experience - (friction ? 0.35 : 0) + (random.unit() - 0.5) * 0.3, 0), 0.999)
        return Int(tone * Double(comments.count))
    }

    /// The metric a survey after a visit asks for.
    static func metric(service: Bool, goal: Bool, friction: Bool, using random: inout ScenarioRandom) -> Feedback.Metric {
        if random.chance(0.06) { return .text }
        if goal { return .nps }
        if service { return .csat }
        if friction { return random.chance(0.6) ? .ces : .csat }
        return [Feedback.Metric.csat, .ces, .nps][random.weighted([0.45, 0.35, 0.2])]
    }

    /// The score closest to `wanted` among those allowed (all when `allowed` is empty).
    static func snap(_ wanted: Int, to allowed: [Int]) -> Int {
        guard !allowed.isEmpty else { return wanted }
        return allowed.min { abs($0 - wanted) < abs($1 - wanted) } ?? wanted
    }
}
