/// Approximate text measurement and wrapping, without a font engine.
///
/// Widths are estimated per character class for a typical sans-serif face, so
/// that layout is deterministic on every machine.
public enum TextMetrics {
    /// The estimated width of text at a font size.
    /// Bold text is estimated 10% wider.
    public static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        var units = 0.0
        for character in text {
            units += characterWidth(character)
        }
        return units * size * (bold ? 1.1 : 1)
    }

    static func characterWidth(_ character: Character) -> Double {
        Double(characterUnits(character)) / 100
    }

    /// The estimated width of a character in hundredths of the font size.
    static func characterUnits(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if character.unicodeScalars.count > 1, scalar.properties.isEmojiPresentation || value >= 0x1F000 { return 115 }
        if isWide(value) { return 100 }
        if scalar.properties.isEmojiPresentation { return 115 }
        if (0x0300...0x036F).contains(value) || scalar.properties.generalCategory == .nonspacingMark { return 0 }
        switch character {
        case "i", "l", "j", "'", ".", ",", ":", ";", "!", "|", "I": return 30
        case "f", "t", "r", " ", "(", ")", "[", "]", "-": return 40
        case "m", "w", "M", "W", "@", "%": return 92
        default: return character.isUppercase ? 72 : 60
        }
    }

    static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
            || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1FAFF).contains(value) || (0x20000...0x3FFFD).contains(value)
    }

    /// Whether the first strong character is right-to-left (Hebrew, Arabic and related scripts).
    public static func isRightToLeft(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (0x0590...0x08FF).contains(value) || (0xFB1D...0xFDFF).contains(value) || (0xFE70...0xFEFF).contains(value)
                || (0x10800...0x10FFF).contains(value) || (0x1E800...0x1EFFF).contains(value) {
                return true
            }
            if scalar.properties.isAlphabetic { return false }
        }
        return false
    }

    /// Text broken into lines no wider than `maxWidth`; words longer than a line are split.
    /// At most `maxLines` lines are returned, the last ending in `…` when text was cut.
    /// The work is linear in the text, and stops once `maxLines` lines are filled (see ``TextWrapper``).
    public static func wrap(_ text: String, width maxWidth: Double, size: Double, bold: Bool = false, maxLines: Int = 40) -> [String] {
        var wrapper = TextWrapper(maxWidth: maxWidth, size: bold ? size * 1.1 : size, maxLines: maxLines)
        return wrapper.wrap(text)
    }

    /// Like ``wrap(_:width:size:bold:maxLines:)``, but a word wider than a line is shortened with
    /// an ellipsis instead of being broken across lines (for chart labels, read at a glance).
    public static func wrapWords(_ text: String, width maxWidth: Double, size: Double, bold: Bool = false, maxLines: Int = 40) -> [String] {
        let measure = bold ? size * 1.1 : size
        let words = text.split(whereSeparator: \.isWhitespace).map { word -> String in
            guard Self.width(String(word), size: measure) > maxWidth else { return String(word) }
            var kept = String(word)
            while !kept.isEmpty, Self.width(kept + "…", size: measure) > maxWidth { kept.removeLast() }
            return kept + "…"
        }
        return wrap(words.joined(separator: " "), width: maxWidth, size: size, bold: bold, maxLines: maxLines)
    }
}
