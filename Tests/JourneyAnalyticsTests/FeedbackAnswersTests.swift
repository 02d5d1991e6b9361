import CustomerData
import JourneyAnalytics
import JourneyStore
import Testing
import WayfinderTesting

/// The index's survey answers (read from the store's raw rows into columns) against the answers
/// as sent: order by customer, time and arrival, the named or inferred touchpoint, metric, score and text.
@Suite("Survey answers in the index")
struct FeedbackAnswersTests {
    struct Sent {
        var user: String, minute: Int, arrival: Int
        var metric: String, score: Double?, text: String?, touchpoint: String?
    }

    @Test("every answer comes back in order, tied to the touchpoint it names or else the last one before it", arguments: [31, 32] as [UInt64])
    func agreesWithAnswersSent(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let names = Array(TinyMap.stageOfEvent.keys).sorted() + ["Home"]
        let touchpointOf = ["Ad Clicked": "ad", "Product Viewed": "browse", "Chat Started": "chat", "Order Completed": "buy", "Club Joined": "club"]
        let texts = ["Fast delivery", "caf\u{E9} \u{1F600}", "a \\\"quoted\\\" word", "line\\nbreak", "stop\\u0000here"]
        var lines: [String] = [], events: [(user: String, minute: Int, arrival: Int, touchpoint: String?)] = [], sent: [Sent] = []
        func time(_ minute: Int) -> String { Timestamp.iso8601(ScenarioGenerator.start + Int64(minute) * 60_000) }
        for arrival in 0..<600 {
            // One customer with many answers (more than a short sort takes), the others with a few.
            let user = Int.random(in: 0..<4, using: &random) == 0 ? "u0" : "u\(Int.random(in: 1..<25, using: &random))"
            let minute = Int.random(in: 0..<40, using: &random)
            if Bool.random(using: &random) {
                let name = names.randomElement(using: &random)!
                events.append((user, minute, arrival, touchpointOf[name]))
                lines.append(#"{"type":"track","event":"\#(name)","userId":"\#(user)","timestamp":"\#(time(minute))","messageId":"m\#(arrival)"}"#)
                continue
            }
            let metric = ["nps", "csat", "ces", "text"].randomElement(using: &random)!
            let score: Double? = switch metric {
            case "nps": Double(Int.random(in: 0...10, using: &random))
            case "csat": Double(Int.random(in: 1...5, using: &random))
            case "ces": [1, 2.5, 7].randomElement(using: &random)!
            default: nil
            }
            let text = metric == "text" || Bool.random(using: &random) ? texts.randomElement(using: &random)! : nil
            let touchpoint = [nil, nil, "buy", "chat", "nowhere"].randomElement(using: &random)!
            var properties = [#""metric":"\#(metric)""#]
            if let score { properties.append(#""score":\#(score)"#) }
            if let text { properties.append(#""text":"\#(text)""#) }
            if let touchpoint { properties.append(#""touchpoint":"\#(touchpoint)""#) }
            lines.append(#"{"type":"feedback","userId":"\#(user)","timestamp":"\#(time(minute))","messageId":"m\#(arrival)","properties":{\#(properties.joined(separator: ","))}}"#)
            // The text as stored: JSON escapes decoded, every character kept (a NUL too).
            let stored = text.map { try! JSONParser.parse("\"\($0)\"").text! }
            sent.append(Sent(user: user, minute: minute, arrival: arrival, metric: metric, score: score, text: stored, touchpoint: touchpoint))
        }
        let fixture = try StoreFixture.fromNDJSON(lines, workspace: TinyMap.yaml)
        let index = fixture.index
        var position: [String: Int] = [:]
        for user in Set(sent.map(\.user)) {
            let number = try #require(try fixture.store.data.findCustomer(user))
            position[user] = try #require(index.customers.firstIndex(of: number))
        }
        let expected = sent.sorted { (position[$0.user]!, $0.minute, $0.arrival) < (position[$1.user]!, $1.minute, $1.arrival) }
        #expect(index.feedback.count == expected.count)
        var inferred = 0
        for (answer, wanted) in zip(index.feedback, expected) {
            let touchpoint: String?
            if let named = wanted.touchpoint, index.touchpoint(named) != nil {
                touchpoint = named
                #expect(answer.named)
            } else {
                // The customer's last classified event (by time, then arrival) at or before the answer.
                touchpoint = events.filter { $0.user == wanted.user && $0.touchpoint != nil && $0.minute <= wanted.minute }
                    .max { ($0.minute, $0.arrival) < ($1.minute, $1.arrival) }?.touchpoint
                #expect(!answer.named)
                if touchpoint != nil { inferred += 1 }
            }
            #expect(Int(answer.customer) == position[wanted.user]! && answer.timestamp == ScenarioGenerator.start + Int64(wanted.minute) * 60_000)
            #expect(answer.metric == wanted.metric && answer.score == wanted.score && answer.text == wanted.text, "\(wanted)")
            #expect(answer.touchpoint == (touchpoint.flatMap(index.touchpoint) ?? -1), "\(wanted)")
        }
        #expect(inferred > 20)
    }
}
