/// The values one numeric option of a query accepts: a bounded interval, so that every accepted
/// value converts to milliseconds, counts or sizes without overflow, and NaN and the infinities
/// are never accepted.
public struct OptionRange: Sendable, Equatable {
    /// The option's key in a query's `options`, such as `window_days`.
    public var key: String
    /// The lowest bound.
    public var lower: Double
    /// Whether ``lower`` itself is accepted (`0 or more`) or only values above it (`more than 0`).
    public var includesLower: Bool
    /// The highest value accepted.
    public var upper: Double
    /// Whether the option takes whole numbers only.
    public var integer: Bool

    /// A range of decimal values above `lower` (or from it, with `includesLower`) up to `upper`.
    public init(_ key: String, above lower: Double, includesLower: Bool = false, atMost upper: Double) {
        self.key = key
        self.lower = lower
        self.includesLower = includesLower
        self.upper = upper
        integer = false
    }

    /// A range of whole numbers from `bounds.lowerBound` to `bounds.upperBound`.
    public init(_ key: String, _ bounds: ClosedRange<Int>) {
        self.key = key
        lower = Double(bounds.lowerBound)
        includesLower = true
        upper = Double(bounds.upperBound)
        integer = true
    }

    /// Whether `value` is accepted; false for NaN and the infinities.
    public func contains(_ value: Double) -> Bool {
        value.isFinite && (includesLower ? value >= lower : value > lower) && value <= upper
    }

    /// Whether `value` is accepted.
    public func contains(_ value: Int) -> Bool { contains(Double(value)) }

    /// What the option takes, in words: `more than 0 and at most 3650`, `1 or more and at most 20`.
    public var expected: String {
        (includesLower ? "\(Self.text(lower)) or more" : "more than \(Self.text(lower))") + " and at most \(Self.text(upper))"
    }

    /// Checks `value` (a whole number for a whole-number option), throwing an error that names
    /// `options.KEY`, the allowed range and the value.
    public func check(_ value: Double) throws(AnalysisError) {
        guard contains(value) else { throw refusal(Self.text(value)) }
        if integer, value != value.rounded() {
            throw AnalysisError(field: "options." + key, problem: "must be a whole number (got \(Self.text(value)))")
        }
    }

    /// Checks `value`, throwing an error that names `options.KEY`, the allowed range and the value.
    public func check(_ value: Int) throws(AnalysisError) {
        guard contains(value) else { throw refusal(String(value)) }
    }

    private func refusal(_ value: String) -> AnalysisError {
        AnalysisError(field: "options." + key, problem: "must be \(expected) (got \(value))")
    }

    /// A number as a person writes it: `30`, `0.5`, `1e+300`, `-0`, `nan`, `inf`.
    static func text(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return (value.sign == .minus && value == 0 ? "-" : "") + String(Int64(value)) }
        return "\(value)"
    }
}
