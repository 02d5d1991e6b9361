import CustomerData
import Foundation
import JourneyModel

/// Runs any query over an index: the one entry point the CLI, the report and the HTTP API share.
public enum Analyzer {
    /// The result of `query` over `index`; a query that does not pass ``AnalysisQuery/validate()`` is refused.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> AnalysisOutput {
        try query.validate()
        guard query.journey == index.journey.id else {
            throw AnalysisError("journey: the index was built for '\(index.journey.id)', not '\(query.journey)'")
        }
        var output = AnalysisOutput(query: query, index: index.summary)
        switch query.kind {
        case .funnel: output.funnel = try FunnelAnalysis.run(query, on: index)
        case .paths:
            let paths = try PathsAnalysis.run(query, on: index)
            output.dfg = paths.dfg
            output.variants = paths.variants
            output.sankey = paths.sankey
        case .personas: output.personas = try PersonaCoverage.run(query, on: index)
        case .touchpoints: output.touchpoints = try TouchpointAnalysis.run(query, on: index)
        case .compare: output.compare = try CompareAnalysis.run(query, on: index)
        case .emotions: output.emotions = try EmotionsAnalysis.run(query, on: index)
        case .friction: output.friction = try FrictionAnalysis.run(query, on: index)
        case .conformance: output.conformance = try ConformanceAnalysis.run(query, on: index)
        case .customers: output.customers = try CustomerListAnalysis.run(query, on: index)
        case .verbatims: output.verbatims = try VerbatimsAnalysis.run(query, on: index)
        case .attribution: output.attribution = try AttributionAnalysis.run(query, on: index)
        case .nextBest: output.nextBest = try NextBestAnalysis.run(query, on: index)
        case .retention: output.retention = try RetentionAnalysis.run(query, on: index)
        case .segments: output.segments = try SegmentsAnalysis.run(query, on: index)
        }
        return output
    }

    /// JSON as every analysis writes it: sorted keys, pretty printed, slashes unescaped.
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Decodes a query from JSON and validates it (``AnalysisQuery/validate()``), with a message
    /// naming the field that is wrong.
    public static func query(json: Data) throws(AnalysisError) -> AnalysisQuery {
        // The numbers are range-checked on the parsed text first: JSONDecoder refuses a number its
        // type cannot hold (1e309, or 2^63 for a whole number) as invalid JSON, naming no field.
        let tree = Array(json).withUnsafeBufferPointer { bytes in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(bytes, overflow: .infinity) }
        }
        switch tree {
        case .success(let tree): try Options.validate(json: tree["options"])
        case .failure(let failure): throw AnalysisError("query: not valid JSON (at byte \(failure.offset + 1): \(failure.message))")
        }
        let query: AnalysisQuery
        do {
            query = try JSONDecoder().decode(AnalysisQuery.self, from: json)
        } catch let DecodingError.keyNotFound(key, context) {
            throw AnalysisError("query: \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")) is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw AnalysisError("query: \(context.codingPath.map(\.stringValue).joined(separator: ".")) should be \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw AnalysisError("query: \(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        } catch {
            throw AnalysisError("query: not valid JSON (\(error.localizedDescription))")
        }
        try query.validate()
        return query
    }
}

/// What an analysis returns; each kind fills its own keys, so the JSON has the shapes of
/// "Analysis semantics" in DESIGN.md (`{"funnel": …}`, `{"dfg": …, "variants": …}`).
public struct AnalysisOutput: Codable, Sendable {
    /// The query that produced it.
    public var query: AnalysisQuery
    /// What the index read and classified.
    public var index: IndexSummary
    /// Funnel counts.
    public var funnel: FunnelResult?
    /// The directly-follows graph.
    public var dfg: PathsResult.Graph?
    /// The variants.
    public var variants: PathsResult.Variants?
    /// Sankey columns.
    public var sankey: PathsResult.Sankey?
    /// Persona coverage.
    public var personas: PersonaCoverageResult?
    /// The live numbers of each touchpoint, as the map shows them.
    public var touchpoints: TouchpointResult?
    /// Measured and designed emotion.
    public var emotions: EmotionsResult?
    /// Two sides of an analysis and their differences.
    public var compare: CompareResult?
    /// Friction findings.
    public var friction: FrictionResult?
    /// Conformance to the map's stage order.
    public var conformance: ConformanceResult?
    /// The customers who passed a touchpoint.
    public var customers: CustomerListResult?
    /// The free-text survey answers given at a touchpoint.
    public var verbatims: VerbatimsResult?
    /// Credit for the goal by channel or touchpoint.
    public var attribution: AttributionResult?
    /// Odds of reaching the goal, the best next touchpoints and the customers at risk.
    public var nextBest: NextBestResult?
    /// Retention cohorts.
    public var retention: RetentionResult?
    /// Groups of customers and the personas against them.
    public var segments: SegmentsResult?

    enum CodingKeys: String, CodingKey {
        case query, index, funnel, dfg, variants, sankey, personas, touchpoints, emotions, compare, friction, conformance, customers, verbatims, attribution, retention, segments
        case nextBest = "next_best"
    }

    /// An output with nothing filled yet.
    public init(query: AnalysisQuery, index: IndexSummary) {
        self.query = query
        self.index = index
    }
}
