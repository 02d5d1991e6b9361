import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import Testing
import WayfinderTesting

/// VADER's rules, each checked as exact arithmetic on the valence of a plain term, so the tests
/// hold whatever valence the lexicon gives "good", "bad" or "nice".
@Suite("Sentiment scorer")
struct SentimentScorerTests {
    let scorer = SentimentScorer()

    func valence(_ text: String) -> Double { scorer.score(text).valence }

    @Test("compound is x / sqrt(x² + 15) of the valence sum", arguments: [
        "The food was good", "Terrible service", "Great shoes, fast delivery and lovely staff!!", "not bad", "🙂", "",
    ])
    func normalisation(text: String) {
        let result = scorer.score(text)
        let x = result.valence
        #expect(abs(result.compound - (x == 0 ? 0 : x / (x * x + 15).squareRoot())) < 1e-12)
    }

    @Test("plain terms carry their lexicon sign")
    func plainTerms() {
        #expect(valence("good") > 0)
        #expect(valence("bad") < 0)
        #expect(scorer.score("The food was good").positive == 1)
        #expect(scorer.score("The food was bad").negative == 1)
        #expect(scorer.score("The parcel came on Tuesday.") == Sentiment(compound: 0, valence: 0, positive: 0, negative: 0, tokens: 5))
    }

    @Test("a negator up to three words before a term flips it and scales it by 0.74", arguments: [
        ("good", "not good"), ("good", "isn't good"), ("good", "wasn’t good"), ("good", "never good"), ("bad", "not bad at"),
        ("good", "not at all good"), ("friendly", "not friendly"), ("happy", "didnt seem happy"), ("good", "no good"),
    ])
    func negation(pair: (String, String)) {
        let plain = valence(pair.0)
        if pair.1 == "not bad at" {
            #expect(valence("not bad") > 0)  // the idiom wins over the rule
            return
        }
        #expect(abs(valence(pair.1) - plain * -0.74) < 1e-12)
        #expect(valence(pair.1).sign != plain.sign)
    }

    @Test("negation reaches three words, not four, and stops at a comma or 'but'")
    func negationWindow() {
        let good = valence("good")
        #expect(abs(valence("not one two good") - good * -0.74) < 1e-12)
        #expect(valence("not one two three good") == good)
        #expect(valence("No, good") == good)
        #expect(valence("not cheap but good") > 0)
    }

    @Test("boosters add 0.293 (× 0.95, × 0.9 further away), dampeners take it off")
    func boosters() {
        let good = valence("good"), bad = valence("bad")
        #expect(abs(valence("very good") - (good + 0.293)) < 1e-12)
        #expect(abs(valence("extremely bad") - (bad - 0.293)) < 1e-12)
        #expect(abs(valence("slightly good") - (good - 0.293)) < 1e-12)
        #expect(abs(valence("slightly bad") - (bad + 0.293)) < 1e-12)
        #expect(abs(valence("very very good") - (good + 0.293 + 0.293 * 0.95)) < 1e-12)
        #expect(abs(valence("really truly very good") - (good + 0.293 + 0.293 * 0.95 + 0.293 * 0.9)) < 1e-12)
        #expect(scorer.score("very good").compound > scorer.score("good").compound)
        #expect(abs(valence("not very good") - (good + 0.293) * -0.74) < 1e-12)
    }

    @Test("an ALL-CAPS term gains 0.733 when the text is in mixed case")
    func caps() {
        let good = valence("good"), bad = valence("bad")
        #expect(abs(valence("The food was GOOD") - (good + 0.733)) < 1e-12)
        #expect(abs(valence("The food was BAD") - (bad - 0.733)) < 1e-12)
        #expect(valence("THE FOOD WAS GOOD") == good)
        #expect(abs(valence("The food was VERY good") - (good + 0.293 + 0.733)) < 1e-12)
        #expect(scorer.score("The food was GOOD").compound > scorer.score("The food was good").compound)
    }

    @Test("each exclamation mark adds 0.292 (up to four); two or more question marks add 0.18 each (up to 0.96)")
    func punctuation() {
        let good = valence("good"), bad = valence("bad")
        #expect(abs(valence("good!") - (good + 0.292)) < 1e-12)
        #expect(abs(valence("good!!!") - (good + 3 * 0.292)) < 1e-12)
        #expect(abs(valence("good!!!!!!!!") - (good + 4 * 0.292)) < 1e-12)
        #expect(abs(valence("bad!!") - (bad - 2 * 0.292)) < 1e-12)
        #expect(valence("good?") == good)
        #expect(abs(valence("good??") - (good + 2 * 0.18)) < 1e-12)
        #expect(abs(valence("bad??????") - (bad - 0.96)) < 1e-12)
        #expect(valence("!!!!") == 0)
    }

    @Test("'but' halves what comes before it and weighs what follows 1.5 times")
    func contrast() {
        let good = valence("good"), bad = valence("bad"), nice = valence("nice")
        #expect(abs(valence("good but bad") - (0.5 * good + 1.5 * bad)) < 1e-12)
        #expect(abs(valence("bad but good") - (0.5 * bad + 1.5 * good)) < 1e-12)
        #expect(abs(valence("The food was good. But the service was bad.") - (0.5 * good + 1.5 * bad)) < 1e-12)
        #expect(abs(valence("nice. good but bad") - (nice + 0.5 * good + 1.5 * bad)) < 1e-12)
        #expect(abs(valence("not only good but also nice") - (good * -0.74 + nice)) < 1e-12)
        #expect(scorer.score("The food was good, but the service was awful").compound < 0)
        #expect(scorer.score("A bit pricey, but really good").compound > 0)
    }

    @Test("idioms take precedence over their words", arguments: [
        ("not bad", 1), ("Not bad at all!", 1), ("no problem", 1), ("No problems at all", 1), ("couldn't be happier", 1),
        ("can't fault them", 1), ("waste of money", -1), ("a complete waste of time", -1), ("not worth it", -1),
        ("It doesn't work", -1), ("the parcel never arrived", -1), ("never again", -1), ("hassle-free returns", 1),
    ])
    func idioms(pair: (String, Int)) {
        #expect(scorer.score(pair.0).polarity == (pair.1 > 0 ? .positive : .negative), "\(pair.0)")
    }

    @Test("emoji and emoticons carry sentiment", arguments: [
        ("Thanks 😊", Sentiment.Polarity.positive), ("👍", .positive), ("great :)", .positive), ("<3", .positive), ("love it ❤️", .positive),
        ("still waiting 😡", .negative), ("late again :(", .negative), ("👎🏽", .negative), ("meh :/", .negative),
        ("see https://example.com/a:/b", .neutral), ("ratio 3:1", .neutral),
    ])
    func symbols(pair: (String, Sentiment.Polarity)) {
        #expect(scorer.score(pair.0).polarity == pair.1, "\(pair.0)")
    }

    @Test("the scenario generator's comments run from unhappy to happy")
    func generatorComments() {
        let comments = [
            "Took far too long, and nobody could tell me what was going on.", "Confusing. I nearly gave up halfway through.",
            "It was OK, but I had to ask twice.", "Fine overall; the second step was a bit slow.", "Quick and easy, thanks.",
            "Really helpful staff, \"above and beyond\" as they say.",
        ]
        let scores = comments.map { scorer.score($0).compound }
        #expect(scores[0] < 0 && scores[1] < 0 && scores[2] < 0)
        #expect(scores[4] > 0.5 && scores[5] > 0.5)
        #expect(scores[1] < scores[3] && scores[3] < scores[4])
    }

    @Test("the three classes split at ±0.05")
    func polarity() {
        #expect(Sentiment.Polarity(compound: 0.05) == .positive)
        #expect(Sentiment.Polarity(compound: 0.0499) == .neutral)
        #expect(Sentiment.Polarity(compound: -0.05) == .negative)
        #expect(Sentiment.Polarity(compound: -0.0499) == .neutral)
    }
}

/// Any string at all gets a finite compound in [-1, 1], the same every time.
@Suite("Sentiment scorer on hostile input")
struct SentimentHostileInputTests {
    let scorer = SentimentScorer()

    func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let first = scorer.score(text)
        #expect(first.compound.isFinite && first.compound >= -1 && first.compound <= 1, sourceLocation: sourceLocation)
        #expect(first.valence.isFinite, sourceLocation: sourceLocation)
        #expect(scorer.score(text) == first, sourceLocation: sourceLocation)
    }

    @Test("edge cases", arguments: [
        "", " ", "\n\n\n", "!!!!!!!!!!", "??", "'", "-", "n't", "not", "but", "but but but", "not not not", "very", ":", ":(:(", "<3<3",
        "\u{0}\u{0}good\u{0}", "\u{301}\u{301}", "\u{200D}\u{FE0F}", "🏽", "👩‍👩‍👧‍👦", "\u{FFFD}\u{FFFD}", "مرحبا جيد", "ÉNORME déception",
        "İSTANBUL GOOD", "ß GOOD straße", "\u{10FFFF}", "good-", "-good", "'good'", "a'b'c'd", "1,000.5.5", "GOOD", "gOoD bAd",
    ])
    func edgeCases(text: String) {
        check(text)
    }

    @Test("a 100 KB text and a 100 KB word")
    func longTexts() {
        let sentence = "The delivery was very late, but the staff were GREAT and really helpful!! "
        let long = String(repeating: sentence, count: 100_000 / sentence.utf8.count + 1)
        check(long)
        #expect(scorer.score(long).compound > 0.99)
        check(String(repeating: "a", count: 100_000))
        check(String(repeating: "😡", count: 25_000))
        check(String(repeating: "not ", count: 25_000) + "good")
    }

    @Test("random unicode scalars and invalid UTF-8", arguments: [UInt64(1), 2, 3, 4, 5])
    func random(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<random.below(200) {
                let pick = random.below(4)
                let value: UInt32 = pick == 0 ? UInt32(random.below(0x80)) : pick == 1 ? UInt32(0x1F300 + random.below(0x400)) : UInt32(random.below(0x11_0000))
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            check(String(scalars))
            let bytes = (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }
}

/// The formulas of docs/emotions.md, checked against independent arithmetic.
@Suite("Feedback scale")
struct FeedbackScaleTests {
    static let scales: [(Double, Double)] = [(-2, 2), (-3, 3), (1, 5), (0, 10), (-1.5, 2.5), (0, 7), (-1, 1)]

    @Test("endpoints and midpoints of every metric land exactly on min, centre and max", arguments: scales)
    func endpoints(bounds: (Double, Double)) {
        let mapping = FeedbackScale(EmotionScale(min: bounds.0, max: bounds.1))
        let low = bounds.0, high = bounds.1, centre = (bounds.0 + bounds.1) / 2
        let cases: [(Feedback.Metric, Double, Double)] = [
            (.nps, 0, low), (.nps, 5, centre), (.nps, 10, high),
            (.csat, 1, low), (.csat, 3, centre), (.csat, 5, high),
            (.ces, 7, low), (.ces, 4, centre), (.ces, 1, high),
            (.text, -1, low), (.text, 0, centre), (.text, 1, high),
        ]
        for (metric, score, expected) in cases {
            #expect(mapping.emotion(score: score, metric: metric) == expected, "\(metric) \(score) on \(bounds)")
        }
        #expect(mapping.emotion(compound: 0) == centre)
    }

    @Test("points between are linear", arguments: scales)
    func linear(bounds: (Double, Double)) {
        let mapping = FeedbackScale(EmotionScale(min: bounds.0, max: bounds.1))
        let width = bounds.1 - bounds.0
        for nps in 0...10 {
            #expect(abs(mapping.emotion(score: Double(nps), metric: .nps)! - (bounds.0 + width * Double(nps) / 10)) < 1e-12)
        }
        for csat in 1...5 {
            #expect(abs(mapping.emotion(score: Double(csat), metric: .csat)! - (bounds.0 + width * Double(csat - 1) / 4)) < 1e-12)
        }
        for ces in 1...7 {
            #expect(abs(mapping.emotion(score: Double(ces), metric: .ces)! - (bounds.1 - width * Double(ces - 1) / 6)) < 1e-12)
        }
        #expect(abs(mapping.emotion(compound: 0.5)! - (bounds.0 + width * 0.75)) < 1e-12)
    }

    @Test("worked example of docs/emotions.md on -2…2")
    func workedExample() {
        let mapping = FeedbackScale()
        #expect(abs(mapping.emotion(score: 8, metric: .nps)! - 1.2) < 1e-12)
        #expect(abs(mapping.emotion(score: 2, metric: .csat)! - -1) < 1e-12)
        #expect(abs(mapping.emotion(score: 6, metric: .ces)! - -4.0 / 3) < 1e-12)
        #expect(abs(mapping.emotion(compound: -0.4404)! - -0.8808) < 1e-12)
    }

    @Test("scores outside the range are clamped; non-finite scores have no emotion")
    func outside() {
        let mapping = FeedbackScale()
        #expect(mapping.emotion(score: 12, metric: .nps) == 2)
        #expect(mapping.emotion(score: -3, metric: .csat) == -2)
        #expect(mapping.emotion(score: 9, metric: .ces) == -2)
        #expect(mapping.emotion(score: .nan, metric: .nps) == nil)
        #expect(mapping.emotion(compound: .infinity) == nil)
    }
}

/// Means and confidence intervals against hand computation and published t tables.
@Suite("Mean estimate")
struct MeanEstimateTests {
    @Test("Student t quantiles match the tables", arguments: [
        (0.975, 1.0, 12.7062), (0.975, 2, 4.3027), (0.975, 3, 3.1824), (0.975, 4, 2.7764), (0.975, 5, 2.5706), (0.975, 7, 2.3646),
        (0.975, 10, 2.2281), (0.975, 20, 2.0860), (0.975, 30, 2.0423), (0.975, 60, 2.0003), (0.975, 120, 1.9799),
        (0.995, 5, 4.0321), (0.95, 9, 1.8331), (0.9, 3, 1.6377), (0.99, 15, 2.6025), (0.975, 100_000, 1.9600),
    ])
    func tTable(row: (Double, Double, Double)) {
        let t = MeanEstimate.tQuantile(row.0, degreesOfFreedom: row.1)
        #expect(abs(t - row.2) < 0.00006, "t(\(row.0), \(row.1)) = \(t)")
        #expect(abs(MeanEstimate.tQuantile(1 - row.0, degreesOfFreedom: row.1) + t) < 1e-9)
        #expect(abs(MeanEstimate.tDistribution(t, degreesOfFreedom: row.1) - row.0) < 1e-9)
    }

    @Test("normal quantile")
    func normal() {
        #expect(abs(MeanEstimate.normalQuantile(0.975) - 1.959964) < 1e-6)
        #expect(abs(MeanEstimate.normalQuantile(0.995) - 2.575829) < 1e-6)
        #expect(abs(MeanEstimate.normalQuantile(0.5)) < 1e-12)
    }

    @Test("1…5: mean 3, s = √2.5, interval 3 ± 2.7764 · √2.5 / √5")
    func fiveValues() throws {
        let estimate = MeanEstimate([1, 2, 3, 4, 5])
        #expect(estimate.count == 5)
        #expect(estimate.mean == 3)
        #expect(abs(estimate.standardDeviation! - 2.5.squareRoot()) < 1e-12)
        let interval = try #require(estimate.interval())
        let margin = 2.776445 * 2.5.squareRoot() / 5.0.squareRoot()  // = 1.963243
        #expect(abs(interval.lowerBound - (3 - margin)) < 1e-5)
        #expect(abs(interval.upperBound - (3 + margin)) < 1e-5)
    }

    @Test("2, 4, 4, 4, 5, 5, 7, 9: mean 5, variance 32/7, t(0.975, 7) = 2.364624")
    func eightValues() throws {
        let estimate = MeanEstimate([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(estimate.mean == 5)
        #expect(abs(estimate.variance! - 32.0 / 7) < 1e-12)
        let margin = try #require(estimate.margin())
        #expect(abs(margin - 2.364624 * (32.0 / 7).squareRoot() / 8.0.squareRoot()) < 1e-5)
        #expect(abs(margin - 1.78747) < 1e-4)
    }

    @Test("fewer than two values have no interval; non-finite values are ignored")
    func small() {
        #expect(MeanEstimate().count == 0)
        #expect(MeanEstimate().interval() == nil)
        #expect(MeanEstimate([4]).mean == 4)
        #expect(MeanEstimate([4]).standardDeviation == nil)
        #expect(MeanEstimate([4, .nan, .infinity]).count == 1)
        #expect(MeanEstimate([7, 7, 7]).interval() == 7...7)
    }

    @Test("merging parts equals adding every value", arguments: [UInt64(1), 2, 3])
    func merge(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let values = (0..<1_000).map { _ in Double(random.below(2_001)) / 100 - 10 }
        var parts = [MeanEstimate(), MeanEstimate(), MeanEstimate()]
        for (index, value) in values.enumerated() { parts[index % 3 == 0 ? 0 : (index < 400 ? 1 : 2)].add(value) }
        var merged = MeanEstimate()
        for part in parts { merged.merge(part) }
        let whole = MeanEstimate(values)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        #expect(merged.count == whole.count)
        #expect(abs(merged.mean - mean) < 1e-9 && abs(whole.mean - mean) < 1e-9)
        #expect(abs(merged.variance! - variance) < 1e-9 && abs(whole.variance! - variance) < 1e-9)
    }

    @Test("JSON form")
    func json() throws {
        let data = try JSONEncoder().encode(MeanEstimate([1, 2, 3, 4, 5]))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["count"] as? Int == 5)
        #expect(object["mean"] as? Double == 3)
        #expect(abs((object["ci95_low"] as? Double ?? 0) - 1.036757) < 1e-5)
        let decoded = try JSONDecoder().decode(MeanEstimate.self, from: data)
        #expect(decoded.count == 5 && abs(decoded.standardDeviation! - 2.5.squareRoot()) < 1e-12)
    }
}
