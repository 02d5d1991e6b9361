import ArgumentParser
import Foundation
import JourneyAnalytics

extension Wayfinder {
    struct SentimentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sentiment",
            abstract: "Score the sentiment of feedback texts, one per line, as the emotion analysis does.",
            discussion: """
            Each line of FILE (or of standard input) is one text. Its compound score runs from -1 (most negative) to 1 (most positive): the valences of the words, phrases, emoji and emoticons it contains, after negation ("not good"), boosters ("very", "slightly"), ALL-CAPS and "!" emphasis and contrast ("…, but …"), summed as x and normalised as x / sqrt(x² + 15). A score of 0.05 or more is positive, -0.05 or less negative, neutral between. Blank lines score 0, so output line N belongs to input line N. The lexicon is written for customer feedback in English; the emotion analysis maps the score onto a map's emotion scale (see docs/emotions.md).

            Formats:
              text  compound, polarity and the text, one line each; a summary on standard error
              csv   line,compound,polarity,positive,negative,text with a header row
              json  {"texts": [...], "summary": {...}} with the mean compound and its 95% confidence interval

            Examples:
              wayfinder sentiment comments.txt
              echo "Delivery was late but the support team was GREAT!" | wayfinder sentiment
              cut -d, -f3 survey-export.csv | wayfinder sentiment --format csv > scored.csv
            """
        )

        @Argument(help: ArgumentHelp("A text file with one feedback text per line; standard input when absent or '-'.", valueName: "file"))
        var file: String?

        @Option(name: .shortAndLong, help: "text, csv or json.")
        var format: SentimentFormat = .text

        @Flag(help: "Leave out the summary (text format).")
        var quiet = false

        func run() throws {
            let input: FileHandle
            if let file, file != "-" {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                    throw CommandFailure(message: "\(file): no such file; check the path, or pipe the texts to standard input")
                }
                guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: file) else {
                    throw CommandFailure(message: "\(file): cannot be read as a text file")
                }
                input = handle
            } else {
                input = FileHandle.standardInput
            }
            let scorer = SentimentScorer()
            var writer = SentimentWriter(format: format)
            do {
                try LineReader.forEachLine(of: input) { line in
                    writer.add(line, scorer.score(line))
                }
            } catch {
                throw CommandFailure(message: "\(file ?? "standard input"): reading failed after \(writer.lines) lines (\(error.localizedDescription))")
            }
            writer.finish(quiet: quiet)
        }
    }
}

/// The output formats of `sentiment`.
enum SentimentFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, json
}

/// Reads a file or a pipe in chunks and calls back with each line, without its line break.
enum LineReader {
    static func forEachLine(of handle: FileHandle, _ body: (String) -> Void) throws {
        var pending: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                body(line(pending[start..<newline]))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { body(line(pending[...])) }
    }

    private static func line(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.last == 0x0D ? bytes.dropLast() : bytes, as: UTF8.self)
    }
}
