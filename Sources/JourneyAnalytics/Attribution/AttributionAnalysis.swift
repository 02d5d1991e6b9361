import CustomerData
import JourneyModel

/// Attribution: credit for the map's goal by channel or by touchpoint, in conversions and, with
/// `options.value`, in value.
///
/// A customer's path is the channels (or touchpoints) of their counted events in time order:
/// before their first goal event for customers who converted (the goal touchpoint itself is not
/// a step), all of them for customers who did not. With `lookback_days`, events longer than that
/// before the conversion are dropped. Customers with an empty path are left out. The models are
/// ``AttributionModel``'s; the definitions are in `docs/analytics.md`, "Attribution".
public enum AttributionAnalysis {
    /// Runs the attribution of `query` over `index`.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> AttributionResult {
        let selection = try Selection(index: index, query: query)
        let goal = try Goal(index)
        let options = query.options
        let byChannel = options.by == .channel
        // Channels past the 255 the index names share number 255 (as filters and friction read them).
        let items = byChannel ? 256 : index.touchpointIDs.count
        let values: ValueColumn?
        if let path = options.value {
            guard let column = index.properties[path] else { throw AnalysisError("options.value: '\(path)' was not read into the index") }
            values = column
        } else {
            values = nil
        }
        let lookback = options.lookbackDays.map { Options.milliseconds(days: $0) }
        let parts = Parallel.map(index.customerCount) { customers -> (AttributionTally, [Bool], Int) in
            var tally = AttributionTally(model: options.model, items: items, order: options.markovOrder, halfLifeDays: options.halfLifeDays)
            var seen = [Bool](repeating: false, count: items)
            var leftOut = 0
            var path: [Int32] = [], times: [Int64] = []
            for customer in customers where selection.includes(customer: customer) {
                path.removeAll(keepingCapacity: true)
                times.removeAll(keepingCapacity: true)
                var conversion: Int64?
                var counted = false
                for event in selection.events(of: customer) where !selection.filtersEvents || selection.includes(event: event) {
                    counted = true
                    let touchpoint = Int(index.touchpoints[event])
                    if goal.touchpoints[touchpoint] {
                        conversion = index.timestamps[event]
                        break
                    }
                    path.append(byChannel ? Int32(index.channels[event]) : Int32(touchpoint))
                    times.append(index.timestamps[event])
                }
                guard counted else { continue }
                if let conversion, let lookback {
                    // Events more than the lookback before the conversion do not count.
                    let oldest = conversion > Int64.min + lookback ? conversion - lookback : .min
                    let first = times.firstIndex { $0 >= oldest } ?? times.count
                    path.removeFirst(first)
                    times.removeFirst(first)
                }
                guard !path.isEmpty else { leftOut += 1; continue }
                for item in path { seen[Int(item)] = true }
                let value = values.flatMap { $0.value(of: customer) }.flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil } ?? 0
                tally.add(path: path, times: times, converted: conversion != nil, at: conversion ?? 0, value: value)
            }
            return (tally, seen, leftOut)
        }
        var tally = parts[0].0
        var seen = parts[0].1
        for part in parts.dropFirst() {
            tally.merge(part.0)
            for item in 0..<items where part.1[item] { seen[item] = true }
        }
        let credits = try tally.credits()
        let rows = (0..<items).filter { seen[$0] }.map { item in
            let (id, name): (String, String) = !byChannel ? (index.touchpointIDs[item], index.journey.touchpoints[item].name)
                : item >= index.channelNames.count ? ("(other)", "(other channels)")
                : (index.channelNames[item], index.channelNames[item].isEmpty ? "(no channel)" : index.channelNames[item])
            return AttributionResult.Row(id: id, name: name, credit: credits.conversions[item],
                                         share: tally.conversions > 0 ? credits.conversions[item] / tally.conversions : 0,
                                         value: values == nil ? nil : credits.value[item], removalEffect: credits.removalEffects?[item])
        }.sorted { ($1.credit, $0.id) < ($0.credit, $1.id) }
        return AttributionResult(model: options.model, by: options.by, goal: goal.id ?? index.stageIDs[goal.stage],
                                 markovOrder: options.model == .markov ? options.markovOrder : nil,
                                 halfLifeDays: options.model == .timeDecay ? options.halfLifeDays : nil, lookbackDays: options.lookbackDays,
                                 valuePath: options.value, journeys: tally.journeys, conversions: Int(tally.conversions.rounded()),
                                 value: values == nil ? nil : tally.value, leftOut: parts.reduce(0) { $0 + $1.2 },
                                 conversionProbability: credits.probability, rows: rows)
    }
}

/// Credit for the goal: `{"attribution": {"model", "by", "goal", "journeys", "conversions", "rows": [{"id", "name", "credit", "share", "value", "removal_effect"}]}}`.
public struct AttributionResult: Codable, Sendable, Equatable {
    /// One channel or touchpoint.
    public struct Row: Codable, Sendable, Equatable {
        /// The channel (empty for events without one) or the touchpoint id.
        public var id: String
        /// The channel, or the touchpoint's name.
        public var name: String
        /// Conversions credited.
        public var credit: Double
        /// Its credit over all conversions.
        public var share: Double
        /// Value credited, when a value path was given.
        public var value: Double?
        /// Markov: 1 − P(without it)/P.
        public var removalEffect: Double?

        enum CodingKeys: String, CodingKey {
            case id, name, credit, share, value
            case removalEffect = "removal_effect"
        }
    }

    public var model: AttributionModel
    public var by: Options.AttributionUnit
    /// The goal's touchpoint or stage id.
    public var goal: String
    public var markovOrder: Int?
    public var halfLifeDays: Double?
    public var lookbackDays: Double?
    public var valuePath: String?
    /// Customers with a path, and those of them who converted.
    public var journeys: Int
    public var conversions: Int
    /// The value of the conversions, when a value path was given.
    public var value: Double?
    /// Counted customers whose path was empty (their first counted event reached the goal, or
    /// none was within the lookback).
    public var leftOut: Int
    /// Markov: the probability of conversion from `(start)`.
    public var conversionProbability: Double?
    /// Channels or touchpoints that occur in a path, most credit first.
    public var rows: [Row]

    enum CodingKeys: String, CodingKey {
        case model, by, goal, journeys, conversions, value, rows
        case markovOrder = "markov_order", halfLifeDays = "half_life_days", lookbackDays = "lookback_days", valuePath = "value_path"
        case leftOut = "left_out", conversionProbability = "conversion_probability"
    }
}
