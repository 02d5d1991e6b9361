import Foundation
import Testing
import WayfinderTesting

@Suite("wayfinder sentiment")
struct SentimentCommandTests {
    /// Compound scores parsed from the csv output, one per input line.
    static func compounds(_ csv: String) -> [Double] {
        csv.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).dropFirst().filter { !$0.isEmpty }.compactMap { line in
            line.split(separator: ",", maxSplits: 2).dropFirst().first.flatMap { Double($0) }
        }
    }

    @Test("one score per input line, blank and invalid lines included, in every format")
    func linesAlign() async throws {
        let directory = try TemporaryDirectory()
        let bytes = Array("Great service, thank you!\n\nThe parcel never arrived.\r\n".utf8) + [0xFF, 0xFE] + Array(" not bad\nno newline at the end".utf8)
        let file = try directory.write(bytes, to: "comments.txt")
        let csv = try await wayfinder("sentiment", file, "--format", "csv")
        #expect(csv.status == 0)
        #expect(csv.stdoutLines.first == "line,compound,polarity,positive,negative,text")
        let scores = Self.compounds(csv.stdout)
        #expect(scores.count == 5)
        #expect(scores[0] > 0.05 && scores[1] == 0 && scores[2] < -0.05 && scores[3] > 0.05 && scores[4] == 0)
        for score in scores {
            #expect(score >= -1 && score <= 1)
        }
        let text = try await wayfinder("sentiment", file)
        #expect(text.stdoutLines.count == 5)
        #expect(text.stderr.contains("5 texts: 2 positive, 1 negative, 2 neutral"))
        let json = try await wayfinder("sentiment", file, "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["texts"] as? [Any])?.count == 5)
    }

    @Test("in CSV a text a spreadsheet would run as a formula is prefixed with a quote mark, and scores stay numbers")
    func formulaText() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(Array("=HYPERLINK(\"http://x\",\"win\")\n-2+3, a terrible parcel\n@SUM(A1)\n\tgreat\n".utf8), to: "comments.txt")
        let csv = try await wayfinder("sentiment", file, "--format", "csv")
        #expect(csv.status == 0, "\(csv)")
        let records = try csvRecords(csv.stdout)
        #expect(records.map { $0[5] } == ["text", "'=HYPERLINK(\"http://x\",\"win\")", "'-2+3, a terrible parcel", "'@SUM(A1)", "'\tgreat"])
        let compound = try #require(Double(records[2][1]), "\(records[2])")
        #expect(compound < 0 && records[2][1].hasPrefix("-"), "a negative score is written as a number: \(records[2])")
    }

    @Test("a missing file is a failure of the work; a bad format a usage error")
    func errors() async throws {
        let missing = try await wayfinder("sentiment", "/nonexistent/comments.txt")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no such file"))
        let usage = try await wayfinder("sentiment", "--format", "xml")
        #expect(usage.status == 2)
    }
}
