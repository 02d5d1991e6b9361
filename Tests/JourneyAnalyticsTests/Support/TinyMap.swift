import CustomerData

/// A four-stage map small enough to write journeys for by hand, and NDJSON events for it.
enum TinyMap {
    /// The workspace: awareness (ad), consideration (browse, chat), decision (buy, the goal), retention (club).
    static let yaml = """
        version: 1
        journeys:
          - id: tiny
            title: Tiny
            goal: buy
            stages:
              - { id: awareness, name: Awareness }
              - { id: consideration, name: Consideration }
              - { id: decision, name: Decision }
              - { id: retention, name: Retention }
            touchpoints:
              - { id: ad, name: Ad, stage: awareness, channel: social, match: { event: Ad Clicked } }
              - { id: browse, name: Browse, stage: consideration, channel: web, match: { event: Product Viewed } }
              - { id: chat, name: Chat, stage: consideration, channel: chat, match: { event: Chat Started } }
              - { id: buy, name: Buy, stage: decision, channel: web, match: { event: Order Completed } }
              - { id: club, name: Club, stage: retention, channel: app, match: { event: Club Joined } }

        """

    /// The stage number of each event name the map classifies; other names are off the map.
    static let stageOfEvent = ["Ad Clicked": 0, "Product Viewed": 1, "Chat Started": 1, "Order Completed": 2, "Club Joined": 3]

    /// The channel each event is sent on.
    static let channelOfEvent = ["Ad Clicked": "social", "Product Viewed": "web", "Chat Started": "chat", "Order Completed": "web",
                                 "Club Joined": "app"]

    /// NDJSON track events (user id, event name, days after 2026-01-05), one message id each, in the order given.
    static func lines(_ events: [(user: String, name: String, days: Double)]) -> [String] {
        events.enumerated().map { number, event in
            let time = Timestamp.iso8601(ScenarioGenerator.start + Int64(event.days * 86_400_000))
            let channel = channelOfEvent[event.name] ?? "web"
            return #"{"type":"track","event":"\#(event.name)","userId":"\#(event.user)","timestamp":"\#(time)","messageId":"m\#(number)","context":{"channel":"\#(channel)"}}"#
        }
    }
}
