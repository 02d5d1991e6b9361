/// The longest text each kind of field of the format may hold, counted in characters
/// (Unicode code points, as JSON Schema's `maxLength` counts them).
///
/// A longer text is an error (`too-long`) naming its file, line and column; nothing is cut.
/// The limits keep every map drawable and every document small enough to edit, diff and store.
public enum TextLimit {
    /// Names and titles, channels, owners and KPI units: 200.
    public static let name = 200
    /// Card texts (actions, thoughts, questions, pain points, opportunities, free-lane cards),
    /// quotes, goals, challenges, preferences, objectives, sources, photo paths and event names: 2,000.
    public static let text = 2_000
    /// Descriptions and a persona's background: 10,000.
    public static let description = 10_000
    /// Keys of free mappings (demographics, trait and property paths): 200.
    public static let key = 200
    /// Values of demographics and conditions (strings, including regular expressions): 2,000.
    public static let value = 2_000
    /// Ids: 128 (see ``IDRules``).
    public static let identifier = 128

    /// `2,000`: a count with thousands separators, for messages.
    public static func grouped(_ count: Int) -> String {
        let digits = String(count.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (count < 0 ? "-" : "") + out
    }
}
