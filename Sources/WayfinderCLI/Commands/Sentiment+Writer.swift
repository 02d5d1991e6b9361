import Foundation
import JourneyAnalytics
import JourneyRender

/// Writes the scores of `wayfinder sentiment` as they come, in 64 KB blocks.
struct SentimentWriter {
    let format: SentimentFormat
    private(set) var lines = 0
    private var buffer = ""
    private var csv = CSVWriter(header: ["line", "compound", "polarity", "positive", "negative", "text"])
    private var estimate = MeanEstimate()
    private var positive = 0, negative = 0, neutral = 0

    init(format: SentimentFormat) {
        self.format = format
        switch format {
        case .csv: buffer = csv.take()
        case .json: buffer = "{\"texts\": [\n"
        case .text: break
        }
    }

    mutating func add(_ text: String, _ sentiment: Sentiment) {
        lines += 1
        estimate.add(sentiment.compound)
        switch sentiment.polarity {
        case .positive: positive += 1
        case .negative: negative += 1
        case .neutral: neutral += 1
        }
        let compound = Self.decimal(sentiment.compound)
        switch format {
        case .text:
            let signed = sentiment.compound >= 0.00005 ? "+" + compound : (compound.hasPrefix("-") ? compound : " " + compound)
            buffer += "\(signed)  \(sentiment.polarity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(text)\n"
        case .csv:
            csv.row([.integer(lines), .decimal(sentiment.compound, places: 4), .text(sentiment.polarity.rawValue), .integer(sentiment.positive),
                     .integer(sentiment.negative), .text(text)])
            buffer += csv.take()
        case .json:
            buffer += (lines > 1 ? ",\n" : "")
                + "  {\"line\": \(lines), \"compound\": \(compound), \"polarity\": \"\(sentiment.polarity.rawValue)\", "
                + "\"positive\": \(sentiment.positive), \"negative\": \(sentiment.negative), \"text\": \(Self.jsonString(text))}"
        }
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    mutating func finish(quiet: Bool) {
        let interval = estimate.interval()
        switch format {
        case .json:
            let sd = estimate.standardDeviation.map(Self.decimal) ?? "null"
            let low = interval.map { Self.decimal($0.lowerBound) } ?? "null", high = interval.map { Self.decimal($0.upperBound) } ?? "null"
            buffer += (lines > 0 ? "\n" : "") + "],\n\"summary\": {\"texts\": \(lines), \"positive\": \(positive), \"negative\": \(negative), "
                + "\"neutral\": \(neutral), \"compound\": {\"mean\": \(Self.decimal(estimate.mean)), \"sd\": \(sd), "
                + "\"ci95_low\": \(low), \"ci95_high\": \(high)}}}\n"
        case .text where !quiet:
            var summary = "\(Console.count(lines, "text")): \(positive) positive, \(negative) negative, \(neutral) neutral"
            if lines > 0 { summary += "; mean compound \(Self.decimal(estimate.mean))" }
            if let interval { summary += " (95% CI \(Self.decimal(interval.lowerBound)) to \(Self.decimal(interval.upperBound)))" }
            flush()
            Console.error(summary + ".")
        default: break
        }
        flush()
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        Console.write(Data(buffer.utf8))
        buffer = ""
    }

    /// Four decimals, rounded half away from zero, without "-0.0000".
    static func decimal(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return value.isNaN ? "0.0000" : String(format: "%.4f", value) }
        let units = Int((value * 10_000).rounded())
        let magnitude = abs(units), fraction = String(magnitude % 10_000)
        return (units < 0 ? "-" : "") + String(magnitude / 10_000) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
