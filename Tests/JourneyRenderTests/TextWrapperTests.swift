@testable import JourneyRender
import JourneyModel
import Testing
import WayfinderTesting

/// Text wrapping measures each character once, whatever the text, and lays text out as the
/// word-by-word reference does.
@Suite("Text wrapping")
struct TextWrapperTests {
    /// Shapes of text that once made wrapping quadratic or unbounded.
    enum Shape: String, CaseIterable, Sendable {
        case longWord, shortWords, longWordsAndSpaces, paragraphs, emptyLines, wideCharacters, combiningMarks

        func text(_ count: Int) -> String {
            switch self {
            case .longWord: String(repeating: "w", count: count)
            case .shortWords: String(repeating: "ab ", count: count / 3)
            case .longWordsAndSpaces: String(repeating: String(repeating: "m", count: 997) + " ", count: count / 998)
            case .paragraphs: String(repeating: "one two\n", count: count / 8)
            case .emptyLines: String(repeating: "\n", count: count)
            case .wideCharacters: String(repeating: "旅程地图", count: count / 4)
            case .combiningMarks: String(repeating: "e\u{301}\u{302} ", count: count / 2)
            }
        }
    }

    @Test("every character is measured at most once, for any shape and size of text",
          arguments: Shape.allCases, [1_000, 100_000])
    func linearWork(_ shape: Shape, _ count: Int) {
        let text = shape.text(count)
        let characters = text.count
        for maxLines in [3, 30, Int.max] {
            var wrapper = TextWrapper(maxWidth: 156, size: 11.5, maxLines: maxLines)
            let lines = wrapper.wrap(text)
            // One measurement a character read, plus the last line again when it is shortened for the ellipsis.
            #expect(wrapper.measured <= characters + (lines.last?.count ?? 0), "\(shape) of \(characters) characters, \(maxLines) lines: \(wrapper.measured)")
            #expect(lines.count <= maxLines)
        }
    }

    @Test("a card holds a bounded number of lines, each within the column, whatever the text", arguments: Shape.allCases)
    func boundedCard(_ shape: Shape) {
        let factory = CardFactory(textWidth: 156)
        for text in [shape.text(50_000), shape.text(3_000_000)] where shape != .emptyLines || text.count < 100_000 {
            var wrapper = TextWrapper(maxWidth: 156, size: CardSpec.size, maxLines: 30)
            let lines = wrapper.wrap(text)
            #expect(lines == factory.plain(Card(text)).lines)
            #expect(lines.count <= 30)
            if lines.count == 30, shape != .emptyLines { #expect(lines[29].hasSuffix("…"), "\(lines[29])") }
            for line in lines { #expect(TextMetrics.width(line, size: CardSpec.size) <= 156 + 1e-9, "\(line)") }
            // Reading stops once the card is full: the work does not grow with the rest of the text.
            #expect(wrapper.measured <= 31 * 200, "\(shape): \(wrapper.measured) characters measured")
        }
    }

    @Test("a map with a card of one 3 MB word draws the same as with a 30 KB word")
    func hugeWordOnMap() {
        func svg(_ length: Int) -> String {
            let word = String(repeating: "x", count: length)
            let journey = JourneyMap(id: "j", title: "Map", stages: [Stage(id: "a", name: "A")],
                                     touchpoints: [Touchpoint(id: "t", name: "T", stage: "a", channel: "web", actions: [Card(word)])])
            return JourneyMapRenderer(journey: journey, workspace: Workspace(journeys: [journey])).svg()
        }
        let small = svg(30_000)
        #expect(svg(3_000_000) == small)
        #expect(small.utf8.count < 30_000)
    }

    static let alphabet: [String] = ["a", "b", "i", "W", "m", "-", " ", " ", " ", "\t", "\n", "中", "é", "\u{301}", "👟", "🏃‍♀️", "…", "."]

    @Test("random text wraps as the word-by-word reference does", arguments: 0..<16)
    func matchesReference(_ seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        for _ in 0..<300 {
            var text = ""
            var run = ""
            for _ in 0..<random.below(160) {
                // Runs of one letter make words longer than a line.
                if random.below(10) == 0 {
                    run = Self.alphabet[random.below(Self.alphabet.count)]
                    text += String(repeating: run, count: random.below(40))
                } else {
                    text += Self.alphabet[random.below(Self.alphabet.count)]
                }
            }
            // Widths of four decimals never equal a sum of character widths (at most three), so
            // rounding in the reference's floating-point sums cannot decide a line break.
            let width = 20.0037 + Double(random.below(30_000)) / 100
            let size = [10.5, 11.5, 12.0, 13.2][random.below(4)]
            let maxLines = 1 + random.below(12)
            let wrapped = TextMetrics.wrap(text, width: width, size: size, maxLines: maxLines)
            let reference = ReferenceWrap.wrap(text, width: width, size: size, maxLines: maxLines)
            #expect(wrapped == reference, "\(text.debugDescription) at \(width), \(size), \(maxLines) lines")
        }
    }
}

/// The word-by-word wrapping the renderer has always drawn, re-measuring what is left of a long
/// word after each piece: quadratic, kept here only as the reference for layout.
enum ReferenceWrap {
    static func wrap(_ text: String, width maxWidth: Double, size: Double, maxLines: Int) -> [String] {
        func width(_ text: some StringProtocol) -> Double { text.reduce(0) { $0 + TextMetrics.characterWidth($1) } * size }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var currentWidth = 0.0
            for word in paragraph.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                var word = String(word)
                var wordWidth = width(word)
                if !current.isEmpty, currentWidth + width(" ") + wordWidth <= maxWidth {
                    current += " " + word
                    currentWidth += width(" ") + wordWidth
                    continue
                }
                if !current.isEmpty { lines.append(current) }
                current = ""
                while wordWidth > maxWidth {
                    var piece = ""
                    var pieceWidth = 0.0
                    for character in word {
                        let characterWidth = TextMetrics.characterWidth(character) * size
                        if pieceWidth + characterWidth > maxWidth, !piece.isEmpty { break }
                        piece.append(character)
                        pieceWidth += characterWidth
                    }
                    lines.append(piece)
                    word = String(word.dropFirst(piece.count))
                    wordWidth = width(word)
                }
                current = word
                currentWidth = wordWidth
            }
            if !current.isEmpty || paragraph.isEmpty && !lines.isEmpty { lines.append(current) }
        }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            var last = lines[maxLines - 1]
            while !last.isEmpty, width(last + "…") > maxWidth { last.removeLast() }
            lines[maxLines - 1] = last + "…"
        }
        return lines.isEmpty ? [""] : lines
    }
}
