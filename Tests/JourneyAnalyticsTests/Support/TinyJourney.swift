import CustomerData
import Foundation
import JourneyAnalytics
import JourneyModel
import JourneyStore
import WayfinderTesting

/// A three-stage map whose touchpoints select events by name alone, and stores built from
/// hand-written events: small enough that every count can be worked out independently.
///
/// Stage `a` has touchpoints `a1` (event "A1") and `a2` ("A2"), stage `b` has `b1` ("B1"), stage
/// `c` has `c1` ("C1", the goal). Any other event name is unclassified.
enum TinyJourney {
    static let yaml = """
        version: 1
        personas:
          - id: runner
            name: Runner
            match: { traits: { plan: pro } }
        journeys:
          - id: tiny
            title: Tiny
            personas: [runner]
            goal: c1
            stages:
              - { id: a, name: Stage A }
              - { id: b, name: Stage B }
              - { id: c, name: Stage C }
            touchpoints:
              - { id: a1, name: A one, stage: a, channel: web, match: { event: A1 } }
              - { id: a2, name: A two, stage: a, channel: chat, match: { event: A2 } }
              - { id: b1, name: B one, stage: b, channel: web, match: { event: B1 } }
              - { id: c1, name: C one, stage: c, channel: web, match: { event: C1 } }
        """

    /// The step (stage index) of each event name, nil when unclassified.
    static let stageOf = ["A1": 0, "A2": 0, "B1": 1, "C1": 2]
    /// The touchpoint id of each event name.
    static let touchpointOf = ["A1": "a1", "A2": "a2", "B1": "b1", "C1": "c1"]

    /// One hand-written event.
    struct Event {
        var customer: String
        var name: String
        /// Seconds after 2026-01-01T00:00:00Z.
        var second: Int
        var channel = "web"
        var traits: [String: String]? = nil
        var properties: [String: Double]? = nil
    }

    static let epoch: Int64 = 1_767_225_600_000

    /// Writes the workspace and imports `events` in the order given (which is their arrival order).
    static func index(_ events: [Event], request: IndexRequest = IndexRequest(), in directory: TemporaryDirectory) throws -> JourneyIndex {
        let workspacePath = try directory.write(yaml, to: "workspace.yaml")
        let loaded = WorkspaceLoader.load([workspacePath])
        let workspace = loaded.workspace
        var lines = ""
        for (number, event) in events.enumerated() {
            var message: [(String, JSONValue)] = [
                ("type", .string(event.traits == nil ? "track" : "identify")),
                ("anonymousId", .string(event.customer)),
                ("messageId", .string("m\(number)")),
                ("timestamp", .string(Timestamp.iso8601(epoch + Int64(event.second) * 1000))),
                ("context", .object([("channel", .string(event.channel))])),
            ]
            if let traits = event.traits {
                message.append(("traits", .object(traits.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
            } else {
                message.append(("event", .string(event.name)))
            }
            if let properties = event.properties {
                message.append(("properties", .object(properties.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })))
            }
            lines += JSONValue.object(message).json + "\n"
        }
        let path = try directory.write(lines, to: "events-\(UUID().uuidString).ndjson")
        let store = try JourneyStore(path: directory.path("store.db"))
        if !events.isEmpty { _ = try Importer(data: store.data).importFile(path) }
        return try IndexBuilder(workspace: workspace, journey: workspace.journeys[0], request: request).build(from: store.data)
    }

    /// The events of each customer in analysis order (time, then arrival), classified ones only.
    static func traces(_ events: [Event]) -> [String: [Event]] {
        var byCustomer: [String: [(Int, Event)]] = [:]
        for (arrival, event) in events.enumerated() where event.traits == nil && stageOf[event.name] != nil {
            byCustomer[event.customer, default: []].append((arrival, event))
        }
        return byCustomer.mapValues { $0.sorted { ($0.1.second, $0.0) < ($1.1.second, $1.0) }.map(\.1) }
    }
}
