/// Colours of Wayfinder's pictures, chosen for contrast on white and in print.
public enum Palette {
    static let paper = "#ffffff"
    static let ink = "#1f2933"
    static let muted = "#616e7c"
    static let grid = "#d9e2ec"
    static let laneLabel = "#f0f4f8"
    static let positive = "#2f9e5b"
    static let neutral = "#8a94a6"
    static let negative = "#d64545"
    static let pain = "#d64545"
    static let painFill = "#fde8e8"
    static let opportunity = "#b7791f"
    static let opportunityFill = "#fdf6e3"
    static let card = "#f8fafc"
    static let cardStroke = "#cbd2d9"
    static let curve = "#3d5afe"
    static let stageFills = ["#e3f2fd", "#ede7f6", "#e0f2f1", "#fff3e0", "#fce4ec", "#f1f8e9", "#e8eaf6"]
    static let stageInks = ["#0d47a1", "#4527a0", "#00695c", "#e65100", "#ad1457", "#33691e", "#283593"]
    static let avatars = ["#3d5afe", "#00897b", "#8e24aa", "#e65100", "#c62828", "#2e7d32", "#5d4037", "#1565c0"]

    /// Fill and stroke of an evidence badge.
    static func evidence(_ evidence: String) -> (fill: String, stroke: String, ink: String, dash: String?) {
        switch evidence {
        case "observed": ("#2f9e5b", "#2f9e5b", "#ffffff", nil)
        case "assumed": ("#fff8e1", "#b7791f", "#7c5300", nil)
        default: ("#e8f0fe", "#3d5afe", "#1a3cc8", "2 2")
        }
    }

    /// The colour of an emotion score: green above neutral, red below, grey at neutral.
    static func valence(_ normalized: Double) -> String {
        if normalized > 0.55 { return positive }
        if normalized < 0.45 { return negative }
        return neutral
    }

    /// A stable colour for an id (FNV-1a, not the randomly seeded Hasher).
    static func avatar(for id: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in id.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return avatars[Int(hash % UInt32(avatars.count))]
    }
}
