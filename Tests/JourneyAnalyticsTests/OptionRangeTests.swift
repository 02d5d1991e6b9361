import CustomerData
import Foundation
@testable import JourneyAnalytics
import Testing
import WayfinderTesting

/// One numeric option given one value, and whether its documented range (docs/analytics.md)
/// accepts it.
struct OptionValue: CustomTestStringConvertible, Sendable {
    var key: String
    var value: Double
    var accepted: Bool

    var testDescription: String { "\(key) = \(value)\(accepted ? "" : " (refused)")" }

    /// The analysis that converts the option, so an accepted value is run through the conversion.
    var kind: AnalysisQuery.Kind {
        switch key {
        case "window_days": .funnel
        case "gap_days", "top", "sankey_steps", "sankey_width": .paths
        case "examples": .conformance
        default: .friction
        }
    }

    /// Default options with this one set (whole-number options take `value` as it is, in range of `Int`).
    var options: Options {
        var options = Options()
        options.sankeyFrom = key.hasPrefix("sankey") ? "a1" : nil
        switch key {
        case "window_days": options.windowDays = value
        case "gap_days": options.gapDays = value
        case "repeat_contact_days": options.repeatContactDays = value
        case "slow_factor": options.slowFactor = value
        case "top": options.top = Int(value)
        case "sankey_steps": options.sankeySteps = Int(value)
        case "sankey_width": options.sankeyWidth = Int(value)
        case "minimum_customers": options.minimumCustomers = Int(value)
        case "examples": options.examples = Int(value)
        default: Issue.record("no option \(key)")
        }
        return options
    }
}

@Suite("Option ranges")
struct OptionRangeTests {
    /// Values no option accepts: beyond any range, not a number, infinite, or 2^63.
    static let hostile: [Double] = [1e308, -1e308, .nan, .infinity, -.infinity, 9_223_372_036_854_775_808]

    /// Per decimal option: values inside (both ends where closed) and just outside its range.
    static let decimals: [OptionValue] = {
        let edges: [(String, accepted: [Double], refused: [Double])] = [
            ("window_days", [0.001, 30, 3650], [0, -0.0, -1, 3650.001]),
            ("gap_days", [0.5, 3650], [0, -0.0, -2, 3651]),
            ("repeat_contact_days", [0, -0.0, 3, 3650], [-0.001, 3650.5]),
            ("slow_factor", [0.1, 3, 100], [0, -0.0, 100.01]),
        ]
        return edges.flatMap { key, accepted, refused in
            accepted.map { OptionValue(key: key, value: $0, accepted: true) }
                + (refused + hostile).map { OptionValue(key: key, value: $0, accepted: false) }
        }
    }()

    /// Per whole-number option: its ends and the numbers just outside, and Int's own ends.
    static let wholes: [OptionValue] = {
        let edges: [(String, accepted: [Int], refused: [Int])] = [
            ("top", [0, 10_000], [-1, 10_001]),
            ("sankey_steps", [1, 20], [0, 21]),
            ("sankey_width", [1, 100], [0, -5, 101]),
            ("minimum_customers", [0, 1_000_000_000], [-1, 1_000_000_001]),
            ("examples", [0, 1000], [-1, 1001]),
        ]
        return edges.flatMap { key, accepted, refused in
            accepted.map { OptionValue(key: key, value: Double($0), accepted: true) }
                + (refused.map(Double.init) + [Double(Int.min), Double(Int.max / 2)]).map { OptionValue(key: key, value: $0, accepted: false) }
        }
    }()

    /// A customer through every stage, another who stalls in the first; enough for every analysis.
    static func index(in directory: TemporaryDirectory) throws -> JourneyIndex {
        try TinyJourney.index([
            TinyJourney.Event(customer: "u1", name: "A1", second: 0), TinyJourney.Event(customer: "u1", name: "B1", second: 600),
            TinyJourney.Event(customer: "u1", name: "C1", second: 7200), TinyJourney.Event(customer: "u2", name: "A2", second: 60, channel: "chat"),
            TinyJourney.Event(customer: "u2", name: "A2", second: 120, channel: "chat"),
        ], in: directory)
    }

    @Test("every numeric option is range-checked before any work: a value outside its range is refused naming the option and its range, never converted", arguments: decimals + wholes)
    func library(_ option: OptionValue) throws {
        let directory = try TemporaryDirectory()
        let index = try Self.index(in: directory)
        let query = AnalysisQuery(kind: option.kind, journey: "tiny", options: option.options)
        if option.accepted {
            #expect(throws: Never.self) { try query.validate() }
            #expect(throws: Never.self) { _ = try Analyzer.run(query, on: index) }
            return
        }
        let range = try #require(Options.numericRanges.first { $0.key == option.key })
        let errors = [
            try #require(throws: AnalysisError.self) { try query.validate() },
            try #require(throws: AnalysisError.self) { _ = try Analyzer.run(query, on: index) },
        ]
        for error in errors {
            #expect(error.field == "options.\(option.key)", "\(error)")
            #expect(error.description.contains(range.expected), "\(error)")
        }
    }

    @Test("the report refuses a window out of range instead of trapping", arguments: [1e308, .nan, .infinity, 0, 3651])
    func report(_ days: Double) throws {
        let directory = try TemporaryDirectory()
        let index = try Self.index(in: directory)
        var options = Options()
        options.windowDays = days
        let error = try #require(throws: AnalysisError.self) { _ = try JourneyReport(index: index, base: AnalysisQuery(kind: .funnel, journey: "tiny", options: options)) }
        #expect(error.field == "options.window_days")
    }

    /// JSON numbers a client can send for a number, beyond what a Double or an Int holds.
    static let jsonLiterals = ["1e308", "-1e308", "1e309", "-1e309", "1e999", "9223372036854775808", "-9223372036854775809", "18446744073709551616"]

    @Test("a query's JSON is refused naming the option when a number is out of its range, even one no Double or Int holds",
          arguments: Options.numericRanges.map(\.key), jsonLiterals + ["-0", "2.5"])
    func json(_ key: String, _ literal: String) throws {
        let text = #"{"kind": "funnel", "journey": "tiny", "options": {"\#(key)": \#(literal)}}"#
        let range = try #require(Options.numericRanges.first { $0.key == key })
        // -0 is zero: a range from 0 takes it; 2.5 suits decimal options only.
        let accepted = (literal == "-0" && range.includesLower && range.lower == 0) || (literal == "2.5" && !range.integer && range.contains(2.5))
        if accepted {
            let query = try Analyzer.query(json: Data(text.utf8))
            #expect(query.options != Options(), "\(key) was read")
            return
        }
        let error = try #require(throws: AnalysisError.self) { _ = try Analyzer.query(json: Data(text.utf8)) }
        #expect(error.field == "options.\(key)", "\(error)")
        #expect(error.description.contains(literal == "2.5" && range.integer ? "whole number" : range.expected), "\(error)")
    }

    @Test("the ranges keep every conversion to milliseconds far inside 64 bits")
    func conversions() {
        for range in [Options.windowDaysRange, Options.gapDaysRange, Options.repeatContactDaysRange] {
            #expect(range.upper * 86_400_000 < 1e15, "\(range.key)")
        }
        // Event times lie within ±10^16 ms, so a transition is at most 2·10^16 ms long.
        #expect(Options.slowFactorRange.upper * 2e16 < Double(Int64.max))
    }

    @Test("days outside every range convert to the nearest milliseconds, never trapping a caller that skipped the check")
    func saturatedConversions() {
        #expect(Options.milliseconds(days: 1.5) == 129_600_000)
        #expect(Options.milliseconds(days: 1e308) == .max)
        #expect(Options.milliseconds(days: .infinity) == .max)
        #expect(Options.milliseconds(days: -.infinity) == .min)
        #expect(Options.milliseconds(days: -1e300) == .min)
        #expect(Options.milliseconds(days: .nan) == 0)
        #expect(Options.milliseconds(days: -0.0) == 0)
    }
}
