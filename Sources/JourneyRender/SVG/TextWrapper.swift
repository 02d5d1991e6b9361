/// Breaks text into lines of a width in one pass over its characters.
///
/// Words go on a line while they fit, joined by single spaces; a word wider than a line is split
/// where the next character would pass the width. Line breaks in the text start new lines (an
/// empty line keeps its place). Once more than `maxLines` lines are known, reading stops and the
/// last kept line ends in `…`, so the work is linear in the text and bounded by the lines kept.
///
/// Widths are counted in integer hundredths of the font size (see ``TextMetrics``), so whether
/// text fits never depends on the order of floating-point additions.
struct TextWrapper {
    /// The widest a line may be, in points.
    let maxWidth: Double
    /// The font size, bold already applied.
    let size: Double
    /// The most lines returned.
    let maxLines: Int

    /// Characters measured so far: at most one measurement per character read, plus the
    /// characters of the last line when it is shortened for the ellipsis.
    private(set) var measured = 0

    private var lines: [String] = []
    private var line = ""
    private var lineUnits = 0
    private var word = ""
    private var wordUnits = 0
    private var paragraphIsEmpty = true

    init(maxWidth: Double, size: Double, maxLines: Int) {
        self.maxWidth = maxWidth
        self.size = size
        self.maxLines = max(1, maxLines)
    }

    /// Whether text of `units` hundredths of the font size fits on a line.
    private func fits(_ units: Int) -> Bool {
        Double(units) * size <= maxWidth * 100
    }

    private mutating func units(_ character: Character) -> Int {
        measured += 1
        return TextMetrics.characterUnits(character)
    }

    private var isFull: Bool { lines.count > maxLines }

    /// The lines of `text`.
    mutating func wrap(_ text: String) -> [String] {
        lines = []
        line = ""
        lineUnits = 0
        word = ""
        wordUnits = 0
        paragraphIsEmpty = true
        for character in text {
            switch character {
            case "\n", "\r\n", "\r":
                endParagraph()
            case " ", "\t":
                paragraphIsEmpty = false
                endWord()
            default:
                paragraphIsEmpty = false
                let width = units(character)
                if !word.isEmpty, !fits(wordUnits + width) {
                    // The word is wider than a line: it cannot join the current line, and the
                    // part read so far fills one of its own.
                    pushLine()
                    lines.append(word)
                    word = ""
                    wordUnits = 0
                }
                word.append(character)
                wordUnits += width
            }
            if isFull { break }
        }
        if !isFull { endParagraph() }
        return finished()
    }

    private mutating func pushLine() {
        if !line.isEmpty { lines.append(line) }
        line = ""
        lineUnits = 0
    }

    private mutating func endWord() {
        guard !word.isEmpty else { return }
        let spaceUnits = TextMetrics.characterUnits(" ")
        if !line.isEmpty, fits(lineUnits + spaceUnits + wordUnits) {
            line += " " + word
            lineUnits += spaceUnits + wordUnits
        } else {
            pushLine()
            line = word
            lineUnits = wordUnits
        }
        word = ""
        wordUnits = 0
    }

    private mutating func endParagraph() {
        endWord()
        if !line.isEmpty {
            pushLine()
        } else if paragraphIsEmpty, !lines.isEmpty {
            lines.append("")
        }
        paragraphIsEmpty = true
    }

    private mutating func finished() -> [String] {
        guard lines.count > maxLines else { return lines.isEmpty ? [""] : lines }
        var kept = Array(lines.prefix(maxLines))
        var last = kept[maxLines - 1]
        var lastUnits = 0
        for character in last { lastUnits += units(character) }
        let ellipsis = TextMetrics.characterUnits("…")
        while let final = last.last, !fits(lastUnits + ellipsis) {
            lastUnits -= units(final)
            last.removeLast()
        }
        kept[maxLines - 1] = last + "…"
        return kept
    }
}
