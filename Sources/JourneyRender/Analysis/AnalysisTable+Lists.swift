import JourneyAnalytics

extension AnalysisTable {
    /// The columns of the customer list's CSV, in order.
    public static let customerColumns = ["customer", "name", "persona", "first_visit", "last_visit", "visits", "reached_goal", "goal_at"]
    /// The columns of the verbatims' CSV, in order.
    public static let verbatimColumns = ["time", "customer", "name", "persona", "metric", "score", "sentiment", "polarity", "named", "text"]

    /// The customers who passed a touchpoint, one row each: times ISO 8601, `reached_goal` true
    /// or false, an empty cell for a missing name, persona or goal time.
    static func csv(_ list: CustomerListResult) -> String {
        var writer = CSVWriter(header: customerColumns)
        for row in list.customers {
            writer.row([.text(row.id), .optional(row.name), .optional(row.persona), .text(row.firstVisit), .text(row.lastVisit),
                        .integer(row.visits), .text(row.reachedGoal ? "true" : "false"), .optional(row.goalAt)])
        }
        return writer.output
    }

    /// The verbatims of a touchpoint, newest first: the sentiment as a compound from -1 to 1.
    static func csv(_ verbatims: VerbatimsResult) -> String {
        var writer = CSVWriter(header: verbatimColumns)
        for row in verbatims.verbatims {
            writer.row([.text(row.time), .text(row.customer), .optional(row.name), .optional(row.persona), .text(row.metric), .optional(row.score),
                        .decimal(row.sentiment, places: 4), .text(row.polarity.rawValue), .text(row.named ? "true" : "false"), .text(row.text)])
        }
        return writer.output
    }

    /// The text tables of the customer list and the verbatims, when the output has them.
    static func listTables(_ output: AnalysisOutput) -> [(title: String, table: Table)] {
        var tables: [(String, Table)] = []
        if let list = output.customers {
            let shown = list.customers.isEmpty ? "none shown" : "showing \(list.offset + 1)–\(list.offset + list.customers.count)"
            let who = list.step.map { (list.dropped ?? false) ? "Customers who dropped before step \($0)" : "Customers who reached step \($0)" }
                ?? "Customers who passed \(list.touchpoint ?? "")"
            tables.append(("\(who) (\(list.total), \(list.converted) reached the goal; \(shown))", Table(
                header: ["customer", "name", "persona", "first_visit", "last_visit", "visits", "goal_at"],
                rows: list.customers.map { row in
                    [row.id, row.name ?? "-", row.persona ?? "-", row.firstVisit, row.lastVisit, String(row.visits), row.goalAt ?? "-"]
                })))
        }
        if let verbatims = output.verbatims {
            let shown = verbatims.verbatims.isEmpty ? "none shown" : "showing \(verbatims.offset + 1)–\(verbatims.offset + verbatims.verbatims.count)"
            tables.append(("What customers said at \(verbatims.touchpoint) (\(verbatims.total) answers with text of \(verbatims.answers); \(shown))", Table(
                header: ["time", "customer", "metric", "score", "sentiment", "text"],
                rows: verbatims.verbatims.map { row in
                    [row.time, row.name ?? row.customer, row.metric, row.score.map(number) ?? "-", row.polarity.rawValue,
                     String(row.text.prefix(120).map { $0.isNewline ? " " : $0 })]
                })))
        }
        return tables
    }
}
