import CustomerData
import JourneyStore

/// The free-text survey answers given at a touchpoint: the answers of the counted customers inside
/// the query's time range that belong to the touchpoint (they name it, or else follow the
/// customer's last event there, as in ``EmotionsAnalysis``) and carry text, newest first (ties in
/// the index's order), each with its score, metric and the text's sentiment.
/// `wayfinder analyze verbatims --touchpoint ID` and `{"kind": "verbatims", "options": {"touchpoint": ID}}`
/// give the same list.
public enum VerbatimsAnalysis {
    /// The verbatims for `query`'s selection, paged by its options.
    public static func run(_ query: AnalysisQuery, on index: JourneyIndex) throws(AnalysisError) -> VerbatimsResult {
        let selection = try Selection(index: index, query: query)
        let touchpoint = try CustomerNames.touchpoint(query, index)
        let feedback = index.feedback
        var answers = 0
        var withText: [Int] = []
        for position in feedback.indices where Int(feedback.touchpoints[position]) == touchpoint {
            guard selection.includes(customer: Int(feedback.customers[position])) else { continue }
            let time = feedback.timestamps[position]
            if let from = selection.from, time < from { continue }
            if let to = selection.to, time >= to { continue }
            answers += 1
            if feedback.text(at: position) != nil { withText.append(position) }
        }
        withText.sort { (feedback.timestamps[$0], -$0) > (feedback.timestamps[$1], -$1) }
        let page = CustomerNames.page(count: withText.count, offset: query.options.offset ?? 0, limit: query.options.limit)
        let scorer = SentimentScorer()
        let rows = withText[page].map { position in
            let answer = feedback[position]
            let customer = Int(answer.customer), text = answer.text ?? ""
            let sentiment = scorer.score(text)
            return VerbatimsResult.Row(
                time: Timestamp.iso8601(answer.timestamp), customer: CustomerID.text(index.customers[customer]),
                name: CustomerNames.name(of: customer, in: index), persona: CustomerNames.persona(of: customer, in: index),
                metric: answer.metric, score: answer.score, text: text, sentiment: sentiment.compound, polarity: sentiment.polarity,
                named: answer.named)
        }
        return VerbatimsResult(touchpoint: index.touchpointIDs[touchpoint], total: withText.count, answers: answers,
                               offset: query.options.offset ?? 0, limit: query.options.limit, verbatims: rows)
    }
}
