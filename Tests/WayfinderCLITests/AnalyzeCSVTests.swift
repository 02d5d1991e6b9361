import Foundation
import Testing
import WayfinderTesting

/// `wayfinder analyze --format csv` against `--format json` for every analysis: the CSV, read with
/// the project's own CSV parser, holds the rows of the JSON with the same numbers, plain (ratios,
/// seconds), the breakdown in a `group` column.
@Suite("wayfinder analyze --format csv")
struct AnalyzeCSVTests {
    /// A CSV column and where its value is in a JSON row.
    struct Column {
        var name: String
        /// Key path into the JSON row, such as `measured.mean`.
        var key: String
        /// How a JSON list is joined into one cell.
        var separator = " "
    }

    /// One analysis: its arguments, where its rows are in the JSON, and its columns.
    struct Analysis {
        var arguments: [String]
        /// Key paths of the JSON lists whose rows the CSV holds, in order, each with the columns that
        /// are constant for its rows (such as the breakdown group).
        var lists: [(path: String, constants: [String: String])]
        var columns: [Column]
    }

    static let funnelColumns = [
        Column(name: "step", key: "id"), Column(name: "name", key: "name"), Column(name: "customers", key: "customers"),
        Column(name: "from_previous_ratio", key: "from_previous"), Column(name: "from_first_ratio", key: "overall"),
        Column(name: "drop_off_customers", key: "drop_off"), Column(name: "median_seconds", key: "median_seconds"),
        Column(name: "p90_seconds", key: "p90_seconds"),
    ]

    static func analyses(groups: [String]) -> [Analysis] {
        [
            Analysis(arguments: ["funnel"], lists: [("funnel.steps", [:])], columns: funnelColumns),
            Analysis(arguments: ["funnel", "--breakdown", "persona"],
                     lists: [("funnel.steps", ["group": ""])] + groups.enumerated().map { ("funnel.breakdown.\($0.offset).steps", ["group": $0.element]) },
                     columns: funnelColumns),
            Analysis(arguments: ["paths", "--top", "15"], lists: [("variants.variants", [:])], columns: [
                Column(name: "path", key: "path", separator: " > "), Column(name: "customers", key: "customers"), Column(name: "share_ratio", key: "share"),
            ]),
            Analysis(arguments: ["friction", "--minimum-customers", "5"], lists: [("friction.findings", [:])], columns: [
                Column(name: "rank", key: "rank"), Column(name: "kind", key: "kind"), Column(name: "touchpoint", key: "touchpoint"),
                Column(name: "from", key: "from"), Column(name: "to", key: "to"), Column(name: "stage", key: "stage"), Column(name: "to_stage", key: "to_stage"),
                Column(name: "customers", key: "customers"), Column(name: "exposed", key: "exposed"), Column(name: "affected", key: "affected"),
                Column(name: "rate_ratio", key: "rate"), Column(name: "baseline_rate_ratio", key: "baseline_rate"), Column(name: "lift", key: "lift"),
                Column(name: "conversion_ratio", key: "conversion"), Column(name: "baseline_conversion_ratio", key: "baseline_conversion"),
                Column(name: "conversions_lost", key: "conversions_lost"), Column(name: "z", key: "z"), Column(name: "p_value", key: "p"),
                Column(name: "median_seconds", key: "median_seconds"), Column(name: "examples", key: "examples"),
            ]),
            Analysis(arguments: ["emotions"], lists: [("emotions.touchpoints", ["level": "touchpoint"]), ("emotions.stages", ["level": "stage"])], columns: [
                Column(name: "id", key: "id"), Column(name: "name", key: "name"), Column(name: "stage", key: "stage"),
                Column(name: "designed_score", key: "designed"), Column(name: "measured_score", key: "measured.mean"),
                Column(name: "measured_sd", key: "measured.sd"), Column(name: "ci95_low_score", key: "measured.ci95_low"),
                Column(name: "ci95_high_score", key: "measured.ci95_high"),
            ]),
            Analysis(arguments: ["conformance", "--minimum-customers", "1"], lists: [("conformance.deviations", [:])], columns: [
                Column(name: "kind", key: "kind"), Column(name: "stage", key: "stage"), Column(name: "from", key: "from"), Column(name: "to", key: "to"),
                Column(name: "customers", key: "customers"), Column(name: "occurrences", key: "occurrences"), Column(name: "examples", key: "examples"),
            ]),
            Analysis(arguments: ["compare", "--compare", "funnel", "--before", "persona:\(groups[0])", "--after", "persona:\(groups[1])"],
                     lists: [("compare.differences", [:])], columns: [
                        Column(name: "metric", key: "metric"), Column(name: "before_ratio", key: "before"), Column(name: "after_ratio", key: "after"),
                        Column(name: "change_ratio", key: "change"), Column(name: "before_count", key: "before_count"),
                        Column(name: "before_total", key: "before_total"), Column(name: "after_count", key: "after_count"),
                        Column(name: "after_total", key: "after_total"), Column(name: "z", key: "z"), Column(name: "p_value", key: "p"),
                        Column(name: "verdict", key: "verdict"),
                     ]),
            Analysis(arguments: ["compare", "--compare", "emotions", "--before", "persona:\(groups[0])", "--after", "persona:\(groups[1])"],
                     lists: [("compare.mean_differences", [:])], columns: [
                        Column(name: "metric", key: "metric"), Column(name: "before_score", key: "before.mean"), Column(name: "after_score", key: "after.mean"),
                        Column(name: "change_score", key: "change"), Column(name: "before_answers", key: "before.count"),
                        Column(name: "after_answers", key: "after.count"), Column(name: "t", key: "t"),
                        Column(name: "degrees_of_freedom", key: "degrees_of_freedom"), Column(name: "p_value", key: "p"), Column(name: "verdict", key: "verdict"),
                     ]),
            Analysis(arguments: ["personas"], lists: [("personas.personas", [:])], columns: [
                Column(name: "persona", key: "id"), Column(name: "customers", key: "customers"), Column(name: "share_ratio", key: "share"),
                Column(name: "with_events", key: "with_events"), Column(name: "converted", key: "converted"),
                Column(name: "conversion_ratio", key: "conversion"), Column(name: "on_map", key: "on_map"),
            ]),
            Analysis(arguments: ["touchpoints"], lists: [("touchpoints.touchpoints", [:])], columns: [
                Column(name: "touchpoint", key: "id"), Column(name: "stage", key: "stage"), Column(name: "visitors", key: "visitors"),
                Column(name: "events", key: "events"), Column(name: "converted", key: "converted"), Column(name: "conversion_ratio", key: "conversion"),
            ]),
        ]
    }

    @Test("every analysis's CSV holds the rows and numbers of its JSON, with the breakdown")
    func csvMatchesJSON() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await AnalyzeCommandTests.prepare(directory)
            let funnel = try await wayfinder(["analyze", "funnel", "--breakdown", "persona", "--format", "json"] + common, in: directory)
            let groups = try #require((Self.value(try jsonObject(funnel.stdout), "funnel.breakdown") as? [[String: Any]])?.compactMap { $0["key"] as? String })
            #expect(groups.count >= 2, "\(funnel.stdout.prefix(2000))")
            for analysis in Self.analyses(groups: groups) {
                let json = try await wayfinder(["analyze"] + analysis.arguments + common + ["--format", "json"], in: directory)
                let csv = try await wayfinder(["analyze"] + analysis.arguments + common + ["--format", "csv"], in: directory)
                #expect(json.status == 0 && csv.status == 0, "\(analysis.arguments): \(json)\n\(csv)")
                let records = try csvRecords(csv.stdout)
                let header = try #require(records.first, "\(analysis.arguments): no header")
                #expect(records.dropFirst().allSatisfy { $0.count == header.count }, "\(analysis.arguments): ragged rows")
                let object = try jsonObject(json.stdout)
                var expected: [([String: Any], [String: String])] = []
                for list in analysis.lists {
                    let rows = try #require(Self.value(object, list.path) as? [[String: Any]], "\(analysis.arguments): no \(list.path) in the JSON")
                    expected += rows.map { ($0, list.constants) }
                }
                #expect(!expected.isEmpty, "\(analysis.arguments): the data gives no rows to compare")
                #expect(records.count - 1 == expected.count, "\(analysis.arguments): \(records.count - 1) rows for \(expected.count) in the JSON\n\(csv.stdout.prefix(3000))")
                for (record, (row, constants)) in zip(records.dropFirst(), expected) {
                    let cells = Dictionary(zip(header, record), uniquingKeysWith: { first, _ in first })
                    for (column, value) in constants { #expect(cells[column] == value, "\(analysis.arguments) \(column): \(record)") }
                    for column in analysis.columns {
                        let cell = try #require(cells[column.name], "\(analysis.arguments): no column \(column.name) in \(header)")
                        Self.expect(cell, equals: Self.value(row, column.key), column: column, context: "\(analysis.arguments)")
                    }
                }
            }
        }
    }

    @Test("a funnel with a breakdown keeps the breakdown, with one header and the group in the first column")
    func funnelBreakdown() async throws {
        try await withTemporaryDirectory { directory in
            let common = try await AnalyzeCommandTests.prepare(directory)
            let csv = try await wayfinder(["analyze", "funnel", "--breakdown", "persona", "--format", "csv"] + common, in: directory)
            #expect(csv.status == 0, "\(csv)")
            let records = try csvRecords(csv.stdout)
            #expect(records.first == ["group"] + Self.funnelColumns.map(\.name))
            #expect(Set(records.dropFirst().map { $0[0] }).count >= 3, "all customers and at least two groups:\n\(csv.stdout)")
            #expect(!csv.stdout.contains("%") && !csv.stdout.contains(" h,") && !csv.stdout.contains(" d,"), "plain numbers:\n\(csv.stdout)")
        }
    }

    /// The JSON value at a dotted key path (numbers index lists).
    static func value(_ object: Any?, _ path: String) -> Any? {
        var current = object
        for key in path.split(separator: ".") {
            if let index = Int(key), let list = current as? [Any] {
                current = index < list.count ? list[index] : nil
            } else {
                current = (current as? [String: Any])?[String(key)]
            }
        }
        return current
    }

    /// Checks one CSV cell against the JSON value it was written from.
    static func expect(_ cell: String, equals value: Any?, column: Column, context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        switch value {
        case nil, is NSNull:
            #expect(cell.isEmpty, "\(context) \(column.name): '\(cell)' for null", sourceLocation: sourceLocation)
        case let list as [String]:
            #expect(cell == list.joined(separator: column.separator), "\(context) \(column.name)", sourceLocation: sourceLocation)
        case let text as String:
            let neutralised = ["=", "+", "-", "@", "\t", "\r"].contains { text.hasPrefix($0) } ? "'" + text : text
            #expect(cell == neutralised, "\(context) \(column.name): '\(cell)' for '\(text)'", sourceLocation: sourceLocation)
        case let number as NSNumber where column.name == "on_map":
            #expect(cell == (number.boolValue ? "true" : "false"), "\(context) \(column.name)", sourceLocation: sourceLocation)
        case let number as NSNumber:
            let expected = number.doubleValue
            guard let read = Double(cell) else {
                Issue.record("\(context) \(column.name): '\(cell)' is not a plain number (JSON has \(expected))", sourceLocation: sourceLocation)
                return
            }
            #expect(abs(read - expected) <= 1e-12 * max(1, abs(expected)), "\(context) \(column.name): \(read) against \(expected)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(context) \(column.name): unexpected JSON value \(String(describing: value))", sourceLocation: sourceLocation)
        }
    }
}
