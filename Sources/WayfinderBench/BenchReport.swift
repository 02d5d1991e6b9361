import JourneyAnalytics

/// What `wayfinder-bench` prints: sizes, the index build, and the best time of each analysis.
struct BenchReport: Encodable {
    /// Classified events in the index.
    var events: Int
    var customers: Int
    /// Events read from the store, classified or not.
    var eventsRead: Int
    /// The map's stage ids in order (the funnel's steps).
    var stages: [String]
    var indexBuildSeconds: Double
    /// Events read from the store per second of the build.
    var eventsPerSecond: Double
    /// Resident memory after the build (VmRSS).
    var indexBytes: Int?
    /// ``indexBytes`` per classified event.
    var bytesPerEvent: Double?
    /// ``indexBytes`` per event read.
    var bytesPerEventRead: Double?
    /// Resident memory after the build once the allocator returned its free memory (malloc_trim).
    var indexBytesAfterTrim: Int?
    /// Resident memory before the build, with the workspace loaded and the store open.
    var residentBeforeBuildBytes: Int?
    /// The index's own arrays.
    var indexArrayBytes: Int
    var indexArrayBytesPerEvent: Double
    /// The survey answers' columns.
    var feedbackBytes: Int
    var repeats: Int
    /// Every build's seconds, the first one first; `indexBuildSeconds` and `eventsPerSecond` are of the fastest.
    var indexBuildRuns: [Double] = []
    /// The ordered stage funnel with its step times (median and p90).
    var funnelSeconds: Double = 0
    var funnelSteps: [Int] = []
    /// The same funnel counting only (`step_times: false`), what `windowFunnel` computes.
    var funnelCountsSeconds: Double = 0
    var barePassSeconds: Double = 0
    var barePassOneThreadSeconds: Double = 0
    var barePassChecksum: Int64 = 0
    var pathsSeconds: Double = 0
    var variants: Int = 0
    var edges: Int = 0
    var conformanceSeconds: Double?
    var conformanceNote: String?
    /// Attribution by channel: Markov of order 1 and linear touch, with the journeys it counted.
    var attributionMarkovSeconds: Double = 0
    var attributionLinearSeconds: Double = 0
    var attributionJourneys: Int = 0

    init(index: JourneyIndex, buildSeconds: Double, residentBytes: Int?, repeats: Int) {
        events = index.eventCount
        customers = index.customerCount
        eventsRead = index.summary.events
        stages = index.stageIDs
        indexBuildSeconds = buildSeconds
        eventsPerSecond = Double(index.summary.events) / buildSeconds
        indexBytes = residentBytes
        bytesPerEvent = residentBytes.map { Double($0) / Double(max(index.eventCount, 1)) }
        bytesPerEventRead = residentBytes.map { Double($0) / Double(max(index.summary.events, 1)) }
        indexArrayBytes = index.memoryBytes
        indexArrayBytesPerEvent = Double(index.memoryBytes) / Double(max(index.eventCount, 1))
        feedbackBytes = index.feedback.memoryBytes
        self.repeats = repeats
    }

    /// Records the builds' times; the figures reported are of the fastest.
    mutating func setBuildTimes(_ seconds: [Double]) {
        indexBuildRuns = seconds
        indexBuildSeconds = seconds.min() ?? indexBuildSeconds
        eventsPerSecond = Double(eventsRead) / indexBuildSeconds
    }

    enum CodingKeys: String, CodingKey {
        case events, customers, stages, repeats, variants, edges
        case eventsRead = "events_read"
        case indexBuildSeconds = "index_build_seconds"
        case indexBuildRuns = "index_build_runs"
        case eventsPerSecond = "events_per_second"
        case indexBytes = "index_bytes"
        case bytesPerEvent = "bytes_per_event"
        case bytesPerEventRead = "bytes_per_event_read"
        case indexBytesAfterTrim = "index_bytes_after_trim"
        case residentBeforeBuildBytes = "resident_before_build_bytes"
        case indexArrayBytes = "index_array_bytes"
        case indexArrayBytesPerEvent = "index_array_bytes_per_event"
        case feedbackBytes = "feedback_bytes"
        case funnelSeconds = "funnel_seconds"
        case funnelSteps = "funnel_steps"
        case funnelCountsSeconds = "funnel_counts_seconds"
        case barePassSeconds = "bare_pass_seconds"
        case barePassOneThreadSeconds = "bare_pass_one_thread_seconds"
        case barePassChecksum = "bare_pass_checksum"
        case pathsSeconds = "paths_seconds"
        case conformanceSeconds = "conformance_seconds"
        case conformanceNote = "conformance_note"
        case attributionMarkovSeconds = "attribution_markov_seconds", attributionLinearSeconds = "attribution_linear_seconds"
        case attributionJourneys = "attribution_journeys"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(customers, forKey: .customers)
        try container.encode(eventsRead, forKey: .eventsRead)
        try container.encode(stages, forKey: .stages)
        try container.encode(indexBuildSeconds, forKey: .indexBuildSeconds)
        try container.encode(indexBuildRuns, forKey: .indexBuildRuns)
        try container.encode(eventsPerSecond, forKey: .eventsPerSecond)
        try container.encode(indexBytes, forKey: .indexBytes)
        try container.encode(bytesPerEvent, forKey: .bytesPerEvent)
        try container.encode(bytesPerEventRead, forKey: .bytesPerEventRead)
        try container.encode(indexBytesAfterTrim, forKey: .indexBytesAfterTrim)
        try container.encode(residentBeforeBuildBytes, forKey: .residentBeforeBuildBytes)
        try container.encode(indexArrayBytes, forKey: .indexArrayBytes)
        try container.encode(indexArrayBytesPerEvent, forKey: .indexArrayBytesPerEvent)
        try container.encode(feedbackBytes, forKey: .feedbackBytes)
        try container.encode(repeats, forKey: .repeats)
        try container.encode(funnelSeconds, forKey: .funnelSeconds)
        try container.encode(funnelSteps, forKey: .funnelSteps)
        try container.encode(funnelCountsSeconds, forKey: .funnelCountsSeconds)
        try container.encode(barePassSeconds, forKey: .barePassSeconds)
        try container.encode(barePassOneThreadSeconds, forKey: .barePassOneThreadSeconds)
        try container.encode(barePassChecksum, forKey: .barePassChecksum)
        try container.encode(pathsSeconds, forKey: .pathsSeconds)
        try container.encode(variants, forKey: .variants)
        try container.encode(edges, forKey: .edges)
        // null rather than absent, so a reader sees conformance was asked for.
        try container.encode(conformanceSeconds, forKey: .conformanceSeconds)
        try container.encodeIfPresent(conformanceNote, forKey: .conformanceNote)
        try container.encode(attributionMarkovSeconds, forKey: .attributionMarkovSeconds)
        try container.encode(attributionLinearSeconds, forKey: .attributionLinearSeconds)
        try container.encode(attributionJourneys, forKey: .attributionJourneys)
    }
}
