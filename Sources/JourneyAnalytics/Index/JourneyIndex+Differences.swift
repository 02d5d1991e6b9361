extension JourneyIndex {
    /// The columns in which two indexes differ (channels compared by name, survey answers field
    /// by field, the summary but for the time taken); empty when they hold the same. What a
    /// saved index brought up to date is checked with against a build from scratch.
    public func differences(from other: JourneyIndex) -> [String] {
        var found: [String] = []
        func check(_ name: String, _ same: Bool) { if !same { found.append(name) } }
        check("customers", customers == other.customers)
        check("offsets", offsets == other.offsets)
        check("timestamps", timestamps == other.timestamps)
        check("touchpoints", touchpoints == other.touchpoints)
        check("channel names", channelNames == other.channelNames)
        check("channels", channels.map { channelName($0) } == other.channels.map { other.channelName($0) })
        check("personas", personas == other.personas)
        check("off-map events", offMapEvents == other.offMapEvents)
        check("property flags", propertyFlags == other.propertyFlags)
        for (name, mine, theirs) in [("trait", traits, other.traits), ("property", properties, other.properties)] {
            check("\(name) paths", mine.keys.sorted() == theirs.keys.sorted())
            for (path, column) in mine {
                guard let matching = theirs[path] else { continue }
                check("\(name) \(path)", column.codes.count == matching.codes.count
                        && column.codes.indices.allSatisfy { column.value(of: $0) == matching.value(of: $0) })
            }
        }
        check("answers", feedback.count == other.feedback.count)
        if feedback.count == other.feedback.count {
            check("answer customers", feedback.customers == other.feedback.customers)
            check("answer times", feedback.timestamps == other.feedback.timestamps)
            check("answer touchpoints", feedback.touchpoints == other.feedback.touchpoints)
            check("answer metrics", feedback.indices.allSatisfy { feedback.metric(at: $0) == other.feedback.metric(at: $0) })
            check("answer scores", feedback.indices.allSatisfy { feedback.score(at: $0) == other.feedback.score(at: $0) })
            check("answer texts", feedback.indices.allSatisfy { feedback.text(at: $0) == other.feedback.text(at: $0) })
        }
        var summary = summary
        summary.seconds = other.summary.seconds
        check("summary", summary == other.summary)
        return found
    }

    private func channelName(_ channel: UInt8) -> String? {
        Int(channel) < channelNames.count ? channelNames[Int(channel)] : nil
    }
}
