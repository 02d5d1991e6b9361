import Foundation
import JourneyAnalytics

extension AnalysisError {
    /// The error as the command-line option that caused it: `options.window_days must be …`
    /// becomes `--window-days must be …`.
    var usage: String {
        guard let field, field.hasPrefix("options."), let problem else { return description }
        return "--\(field.dropFirst(8).replacingOccurrences(of: "_", with: "-")) \(problem)."
    }
}
