/// Deterministic, locale-independent number text for charts: `1,234`, `12.3%`, `2.1 d`.
///
/// Every function returns `–` for a value that is not finite, so no `nan` or `inf`
/// ever reaches the markup.
public enum ChartFormat {
    /// An integer with thousands separators: `1234567` → `1,234,567`.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A number with a fixed count of decimals and thousands separators: `1234.56` → `1,234.6`.
    public static func decimal(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "–" }
        let digits = min(max(digits, 0), 6)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let divisor = Int64(scale)
        let whole = count(Int(scaled / divisor))
        let negative = value < 0 && scaled != 0
        guard digits > 0 else { return (negative ? "-" : "") + whole }
        var fraction = String(scaled % divisor)
        while fraction.count < digits { fraction = "0" + fraction }
        return (negative ? "-" : "") + whole + "." + fraction
    }

    /// A fraction as a percentage: `0.123` → `12.3%`.
    public static func percent(_ fraction: Double, digits: Int = 1) -> String {
        guard fraction.isFinite else { return "–" }
        return decimal(fraction * 100, digits: digits) + "%"
    }

    /// A duration in seconds in the largest fitting unit: `45 s`, `12.5 min`, `3.2 h`, `2.1 d`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let magnitude = abs(seconds)
        if magnitude < 60 { return decimal(seconds, digits: 0) + " s" }
        if magnitude < 3_600 { return decimal(seconds / 60, digits: 1) + " min" }
        if magnitude < 86_400 { return decimal(seconds / 3_600, digits: 1) + " h" }
        return decimal(seconds / 86_400, digits: 1) + " d"
    }

    /// `count / total` guarded against a zero or negative total.
    static func ratio(_ count: Double, _ total: Double) -> Double? {
        guard total > 0, count.isFinite, total.isFinite else { return nil }
        return count / total
    }
}
