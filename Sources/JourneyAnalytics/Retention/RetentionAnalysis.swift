import CustomerData
import Foundation
import JourneyModel

/// Retention: cohorts of customers by the period they were first seen, and the share of each that
/// came back to a stage or touchpoint in each later period.
///
/// A customer's *cohort* is the period (a calendar month, or a week from Monday, in UTC) of their
/// first counted event. For each cohort and each k from 0 to `periods`, the analysis counts the
/// cohort's customers with a counted event at the target (`returning_to`: a stage or touchpoint
/// id; by default the map's stage named `retention`, else its last stage) in the cohort's period
/// plus k, for the periods that began by the data's last counted event (a young cohort has fewer;
/// the table is a triangle). The query's time range and filters apply as everywhere.
public enum RetentionAnalysis {
    /// Runs the retention analysis of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> RetentionResult {
        let selection = try Selection(index: index, query: query)
        let options = query.options
        let periods = options.periods
        let (targetKind, target, isTarget) = try Self.target(options.returningTo, index)
        let period = options.cohort
        let parts = Parallel.map(index.customerCount) { customers -> ([Int64: (customers: Int, returned: [Int])], Int64) in
            var cohorts: [Int64: (customers: Int, returned: [Int])] = [:]
            var latest = Int64.min
            var seen = [Bool](repeating: false, count: periods + 1)
            for customer in customers where selection.includes(customer: customer) {
                var first: Int64?
                for offset in seen.indices { seen[offset] = false }
                for event in selection.events(of: customer) where !selection.filtersEvents || selection.includes(event: event) {
                    latest = max(latest, index.timestamps[event])
                    let number = Self.period(index.timestamps[event], period)
                    if first == nil { first = number }
                    guard isTarget[Int(index.touchpoints[event])], let first else { continue }
                    let offset = number - first
                    if offset >= 0, offset <= Int64(periods) { seen[Int(offset)] = true }
                }
                guard let first else { continue }
                var cohort = cohorts[first] ?? (0, [Int](repeating: 0, count: periods + 1))
                cohort.customers += 1
                for offset in seen.indices where seen[offset] { cohort.returned[offset] += 1 }
                cohorts[first] = cohort
            }
            return (cohorts, latest)
        }
        var cohorts: [Int64: (customers: Int, returned: [Int])] = [:]
        let last = parts.map(\.1).max() ?? .min
        for (part, _) in parts {
            for (key, value) in part {
                var merged = cohorts[key] ?? (0, [Int](repeating: 0, count: periods + 1))
                merged.customers += value.customers
                for offset in merged.returned.indices { merged.returned[offset] += value.returned[offset] }
                cohorts[key] = merged
            }
        }
        let rows = cohorts.keys.sorted().map { key -> RetentionResult.Cohort in
            let cohort = cohorts[key]!
            let start = Self.start(of: key, period)
            // The periods that began by the data's last event.
            let observed = Int(min(Int64(periods), max(0, Self.period(last, period) - key))) + 1
            let returned = Array(cohort.returned.prefix(observed))
            return RetentionResult.Cohort(start: Self.day(start), label: Self.label(start, period), customers: cohort.customers, returned: returned,
                                          shares: returned.map { Double($0) / Double(cohort.customers) })
        }
        return RetentionResult(period: period, returningTo: target, targetKind: targetKind, periods: periods, cohorts: rows,
                               customers: rows.reduce(0) { $0 + $1.customers })
    }

    /// The target's kind and id, and which touchpoints are it.
    static func target(_ id: String?, _ index: JourneyIndex) throws(AnalysisError) -> (String, String, [Bool]) {
        let stageID = id ?? (index.stageIDs.contains("retention") ? "retention" : index.stageIDs.last ?? "")
        if let stage = index.stage(stageID) {
            return ("stage", stageID, index.touchpointStage.map { Int($0) == stage })
        }
        if let touchpoint = index.touchpoint(stageID) {
            return ("touchpoint", stageID, index.touchpointIDs.indices.map { $0 == touchpoint })
        }
        throw AnalysisError(field: "options.returning_to", problem: "'\(stageID.prefix(80))' is neither a stage nor a touchpoint of '\(index.journey.id)' (stages: \(index.stageIDs.joined(separator: ", ")))")
    }

    static let day: Int64 = 86_400_000
    /// 1970-01-05, a Monday: weeks are counted from it.
    static let monday: Int64 = 4 * day

    /// The number of the period holding `time`: months since 1970-01, or weeks since 1970-01-05.
    static func period(_ time: Int64, _ period: Options.CohortPeriod) -> Int64 {
        switch period {
        case .week:
            let shifted = time - monday
            return shifted >= 0 ? shifted / (7 * day) : -((-shifted + 7 * day - 1) / (7 * day))
        case .month:
            let (year, month, _) = Timestamp.civil(days: Timestamp.day(of: time))
            return Int64(year) * 12 + Int64(month - 1) - 1970 * 12
        }
    }

    /// The first moment of period `number`.
    static func start(of number: Int64, _ period: Options.CohortPeriod) -> Int64 {
        switch period {
        case .week: return monday + number * 7 * day
        case .month:
            let months = number + 1970 * 12
            let year = months >= 0 ? months / 12 : (months - 11) / 12
            return Timestamp.daysFromCivil(year: year, month: months - year * 12 + 1, day: 1) * day
        }
    }

    /// `2026-01-05`: the day of a time.
    static func day(_ time: Int64) -> String { String(Timestamp.iso8601(time).prefix(10)) }

    static func label(_ start: Int64, _ period: Options.CohortPeriod) -> String {
        switch period {
        case .week: "week of \(day(start))"
        case .month: String(day(start).prefix(7))
        }
    }
}

/// Retention cohorts: `{"retention": {"period", "returning_to", "cohorts": [{"start", "label", "customers", "returned", "shares"}]}}`.
public struct RetentionResult: Codable, Sendable, Equatable {
    public struct Cohort: Codable, Sendable, Equatable {
        /// The first day of the cohort's period (`2026-01-01`; a Monday for weeks).
        public var start: String
        /// `2026-01`, or `week of 2026-01-05`.
        public var label: String
        /// Customers first seen in the period.
        public var customers: Int
        /// For k = 0…periods, the cohort's customers with an event at the target k periods later
        /// (as far as periods began by the data's last event).
        public var returned: [Int]
        /// The same over the cohort's customers.
        public var shares: [Double]
    }

    public var period: Options.CohortPeriod
    /// The stage or touchpoint id customers return to, and which of the two it is.
    public var returningTo: String
    public var targetKind: String
    public var periods: Int
    /// Cohorts in time order.
    public var cohorts: [Cohort]
    /// Customers in all cohorts.
    public var customers: Int

    enum CodingKeys: String, CodingKey {
        case period, periods, cohorts, customers
        case returningTo = "returning_to", targetKind = "target_kind"
    }
}
