import Foundation

/// A progress bar on standard error, drawn only on a terminal: bar, percentage, rate and time left.
struct ProgressBar {
    let enabled: Bool
    let label: String
    private var lastDraw = Date.distantPast

    init(label: String, enabled: Bool = Console.isTerminal) {
        self.label = label
        self.enabled = enabled
    }

    /// Redraws at most ten times a second.
    mutating func update(fraction: Double, count: Int, unit: String, elapsed: Double) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.1 || fraction >= 1 else { return }
        lastDraw = Date()
        let width = 28
        let clamped = min(max(fraction, 0), 1)
        let filled = Int(clamped * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        let left = clamped > 0.01 ? elapsed * (1 - clamped) / clamped : 0
        let text = "\r\(label) \(bar) \(String(format: "%3.0f%%", clamped * 100))  \(Self.short(count)) \(unit)  \(Self.short(Int(rate)))/s  \(clamped > 0.01 ? Self.duration(left) + " left" : "")   "
        Console.status(text)
    }

    /// Replaces the bar with a line saying what happens now (a step without a measurable fraction).
    func note(_ text: String) {
        guard enabled else { return }
        Console.status("\r\u{1B}[2K\(label) \(text)")
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled else { return }
        Console.status("\r\u{1B}[2K")
    }

    static func short(_ value: Int) -> String {
        if value >= 10_000_000 { return "\(value / 1_000_000)M" }
        if value >= 10_000 { return "\(value / 1_000)k" }
        return "\(value)"
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}

extension Console {
    /// Whether standard error is a terminal (and this is not CI).
    static let isTerminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
}
