import JourneyModel
import JourneyRender
import Testing
import WayfinderTesting

/// The one CSV writer: RFC 4180 quoting, CRLF records, formula neutralising of text, plain numbers.
@Suite("CSV writer")
struct CSVWriterTests {
    @Test("text a spreadsheet would run as a formula is prefixed with a quote mark", arguments: [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("-1.5", "'-1.5"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), ("\tcmd", "'\tcmd"), ("\rcmd", "\"'\rcmd\""),
        ("plain", "plain"), ("", ""), (" =not first", " =not first"), ("a-b", "a-b"), ("1.5", "1.5"),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""), ("ünïcode 👟", "ünïcode 👟"),
    ])
    func textCells(_ text: String, _ written: String) {
        #expect(CSVWriter.field(.text(text)) == written)
    }

    @Test("numbers given as numbers stay numbers, negative ones too", arguments: [
        (CSVWriter.Cell.number(-1.5), "-1.5"), (.number(0.875), "0.875"), (.number(3), "3"), (.number(-0.0), "0"), (.number(1e-7), "1e-07"),
        (.number(.nan), ""), (.number(.infinity), ""), (.integer(-42), "-42"), (.integer(Int.min), String(Int.min)),
        (.decimal(-0.29604, places: 4), "-0.2960"), (.decimal(-0.00004, places: 4), "0.0000"), (.decimal(2.5, places: 0), "3"),
        (.decimal(1e300, places: 4), "1e+300"), (.decimal(.nan, places: 2), ""), (.empty, ""), (.optional(nil as Double?), ""),
    ])
    func numberCells(_ cell: CSVWriter.Cell, _ written: String) {
        #expect(CSVWriter.field(cell) == written)
    }

    @Test("records end in CRLF and read back as written, whatever the text", arguments: 0..<4)
    func roundTrip(_ seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let pieces = ["a", "B", " ", ",", "\"", "\n", "\r\n", "=", "+", "-", "@", "\t", "\r", "é", "😀", "1", "."]
        var writer = CSVWriter(header: ["one", "two", "three"])
        var written: [[String]] = [["one", "two", "three"]]
        for _ in 0..<200 {
            let row = (0..<3).map { _ in (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined() }
            writer.row(row.map { .text($0) })
            written.append(row.map { ["=", "+", "-", "@", "\t", "\r"].contains(String($0.unicodeScalars.first.map(Character.init) ?? " ")) ? "'" + $0 : $0 })
        }
        #expect(writer.output.hasSuffix("\r\n"))
        #expect(try CSVReference.parse(writer.output) == written)
    }

    @Test("a map's CSV neutralises card text and keeps a negative emotion a number")
    func mapCSV() throws {
        let journey = JourneyMap(id: "j", title: "Map", stages: [Stage(id: "a", name: "A")], touchpoints: [
            Touchpoint(id: "t", name: "@mention", stage: "a", channel: "web", actions: [Card("=cmd|' /C calc'!A0"), Card("\tindented"), Card("-1.5")],
                       emotion: -1.5, kpis: [KPI(name: "Refunds", target: -2, unit: "count")]),
        ])
        let rows = try CSVReference.parse(TextFormats.csv(journey))
        let column = { (name: String) in TextFormats.csvColumns.firstIndex(of: name)! }
        let actions = rows.filter { $0[column("lane")] == "actions" }.map { $0[column("text")] }
        #expect(actions == ["'=cmd|' /C calc'!A0", "'\tindented", "'-1.5"])
        #expect(rows.dropFirst().allSatisfy { $0[column("touchpoint_name")] == "'@mention" })
        #expect(rows.first { $0[column("lane")] == "emotion" }?[column("emotion")] == "-1.5")
        #expect(rows.first { $0[column("lane")] == "kpis" }?[column("target")] == "-2")
        #expect(TextFormats.csv(journey).split(separator: "\r\n", omittingEmptySubsequences: false).count == rows.count + 1)
    }
}
