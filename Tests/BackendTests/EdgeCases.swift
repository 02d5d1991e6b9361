import CustomerData
import Foundation

/// A small map and hand-written events at the edges the backends must agree on: ties at one
/// timestamp, chains exactly at and just past the window, customers merged after their events,
/// customers with one event, rules on nested and escaped property values, values a backend
/// stands in for (presence, numbers against bounds, objects), and a touchpoint that is several
/// steps of a funnel.
enum EdgeCases {
    static let yaml = """
        version: 1
        journeys:
          - id: edge
            title: Edges
            goal: buy
            stages:
              - { id: awareness, name: Awareness }
              - { id: consideration, name: Consideration }
              - { id: decision, name: Decision }
            touchpoints:
              - { id: promo, name: Promo, stage: awareness, channel: social, match: { event: Ad Clicked, properties: { utm_source: instagram } } }
              - { id: deep, name: Deep link, stage: awareness, channel: social, match: { event: Ad Clicked, properties: { context.page.path: { regex: "^/p/" } } } }
              - { id: ad, name: Ad, stage: awareness, channel: social, match: { event: Ad Clicked } }
              - { id: browse, name: Browse, stage: consideration, channel: web, match: { event: "Product *" } }
              - { id: quote, name: Quote, stage: consideration, channel: web, match: { event: Quote, properties: { note: "say \\"hi\\"" } } }
              - { id: buy, name: Buy, stage: decision, channel: web, match: { event: Order Completed, properties: { total: { gte: 10 } } } }
              - { id: big, name: Big basket, stage: consideration, channel: web, match: { event: Basket Viewed, properties: { value: { gte: 40 }, items: { lt: 3.5 } } } }
              - { id: small, name: Small basket, stage: consideration, channel: web, match: { event: Basket Viewed, properties: { value: { lt: 0.1 } } } }
              - { id: receipt, name: Receipt, stage: decision, channel: email, match: { event: Receipt Sent, properties: { order_id: { exists: true } } } }
              - { id: unsent, name: Receipt without order, stage: decision, channel: email, match: { event: Receipt Sent, properties: { order_id: { exists: false } } } }
              - { id: red, name: Red paper, stage: decision, channel: web, match: { event: Gift Wrapped, properties: { wrap.paper: red } } }
              - { id: wrapped, name: Wrapped, stage: decision, channel: web, match: { event: Gift Wrapped, properties: { wrap: { ne: none } } } }

        """

    static let day: Int64 = 86_400_000
    static let start: Int64 = 1_767_571_200_000  // 2026-01-05

    static func line(_ number: Int, _ user: String, _ event: String, at time: Int64, type: String = "track", extra: String = "") -> String {
        let key = type == "track" ? "event" : "name"
        let who = user.hasPrefix("anon") ? #""anonymousId":"\#(user)""# : #""userId":"\#(user)""#
        return #"{"type":"\#(type)","\#(key)":"\#(event)",\#(who),"timestamp":"\#(Timestamp.iso8601(time))","messageId":"e\#(number)"\#(extra)}"#
    }

    /// The events, in arrival order.
    static var lines: [String] {
        var lines: [String] = []
        func add(_ user: String, _ event: String, _ time: Int64, type: String = "track", _ extra: String = "") {
            lines.append(line(lines.count, user, event, at: time, type: type, extra: extra))
        }
        // Ties: a purchase arriving before the ad at the same millisecond, and the reverse.
        add("tie1", "Order Completed", start, #","properties":{"total":12}"#)
        add("tie1", "Ad Clicked", start)
        add("tie1", "Product Viewed", start)
        add("tie2", "Ad Clicked", start + 5)
        add("tie2", "Product Viewed", start + 5)
        add("tie2", "Order Completed", start + 5, #","properties":{"total":10}"#)
        // The window: exactly 30 days, and 30 days and a millisecond.
        add("edge-in", "Ad Clicked", start)
        add("edge-in", "Product Added", start + 10 * day)
        add("edge-in", "Order Completed", start + 30 * day, #","properties":{"total":99.5}"#)
        add("edge-out", "Ad Clicked", start)
        add("edge-out", "Product Added", start + 1)
        add("edge-out", "Order Completed", start + 30 * day + 1, #","properties":{"total":"20"}"#)
        // Merged after the events: an anonymous visitor's ad and browse, then they sign in.
        add("anon-7", "Ad Clicked", start + 2 * day, #","properties":{"utm_source":"instagram"}"#)
        add("anon-7", "Product Viewed", start + 3 * day)
        add("merge-me", "Order Completed", start + 4 * day, #","properties":{"total":15}"#)
        add("merge-me", "Signed In", start + 4 * day + 1, type: "identify", #","anonymousId":"anon-7""#)
        // A key given twice: the last value counts.
        add("dup", "Ad Clicked", start + day, #","properties":{"utm_source":"facebook","utm_source":"instagram"}"#)
        add("dup", "Product Viewed", start + day + 1, #","properties":{"utm_source":"instagram","utm_source":"x"}"#)
        // One event only, and an unclassified page.
        add("single", "Ad Clicked", start + day, #","context":{"page":{"path":"/p/shoes"}}"#)
        add("single-page", "Home", start + day, type: "page")
        // Nested and escaped values; a strict chain broken by another classified event.
        add("nested", "Ad Clicked", start, #","context":{"page":{"path":"/home","title":"x"}},"properties":{"path":"/p/not-this"}"#)
        add("nested", "Quote", start + 1, #","properties":{"note":"say \"hi\""}"#)
        add("nested", "Product Viewed", start + 2)
        add("nested", "Quote", start + 3, #","properties":{"note":"say hi"}"#)
        add("nested", "Order Completed", start + 4, #","properties":{"total":9}"#)
        add("strict", "Ad Clicked", start)
        add("strict", "Ad Clicked", start + 1, #","properties":{"utm_source":"instagram"}"#)
        add("strict", "Product Viewed", start + 2)
        add("strict", "Order Completed", start + 3, #","properties":{"total":10}"#)
        // Values a backend may replace by a stand-in: ids tested only for presence (null, objects,
        // empty objects and arrays among them), numbers compared with bounds (at, near and
        // between the bounds, written other ways, as strings), and objects tested for inequality.
        let orderIDs = [#""o-1""#, #""o-2""#, #""""#, "0", "null", "{}", #"{"n":1}"#, "[1]", #"{"n":{}}"#,
                        #"null,"order_id":{"n":1}"#, #"{"n":1},"order_id":null"#]
        for (index, id) in orderIDs.enumerated() {
            add("receipt\(index)", "Ad Clicked", start + Int64(index))
            add("receipt\(index)", "Receipt Sent", start + day + Int64(index), #","properties":{"order_id":\#(id)}"#)
        }
        add("receipt-none", "Receipt Sent", start + day, #","properties":{"order":"o-3"}"#)
        let baskets = ["40", "40.0", "39.99", "40.000000001", "39.9999999999", "1e2", #""45""#, "0.1", "0.09999999999", "0.05", "-3",
                       "1000000", "null", "{}", #"{"a":1}"#, "0", "-0.0", "123456789012345.5"]
        for (index, value) in baskets.enumerated() {
            add("basket\(index)", "Basket Viewed", start + Int64(index), #","properties":{"value":\#(value),"items":\#(index % 3 == 0 ? "3.5" : "2")}"#)
            add("basket\(index)", "Receipt Sent", start + day, #","properties":{"order_id":"b\#(index)"}"#)
        }
        for (index, wrap) in [#"{"paper":"red"}"#, #"{"paper":"blue"}"#, "{}", #""none""#, #""red""#, "null", "[]"].enumerated() {
            add("gift\(index)", "Product Viewed", start)
            add("gift\(index)", "Gift Wrapped", start + 1, #","properties":{"wrap":\#(wrap)}"#)
        }
        add("gift-none", "Gift Wrapped", start + 1, #","properties":{"paper":"none"}"#)
        // Repeats, for a touchpoint that is several steps.
        for index in 0..<6 { add("loop", index % 2 == 0 ? "Ad Clicked" : "Product Viewed", start + Int64(index) * day) }
        return lines
    }

    /// Funnels over the edge map that a backend counts itself.
    static let funnels = [
        #"{"kind":"funnel","options":{"step_times":false}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"mode":"strict"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"mode":"any_order"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"window_days":30}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"window_days":0.00000001}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["ad","browse","ad","browse"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["ad","browse","ad","browse"],"mode":"any_order"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["promo","browse","buy"],"mode":"strict"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["decision","awareness"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["awareness","consideration","decision"],"mode":"any_order","window_days":1}}"#,
        #"{"kind":"funnel"}"#,
        #"{"kind":"funnel","options":{"mode":"strict"}}"#,
        #"{"kind":"funnel","options":{"window_days":30}}"#,
        #"{"kind":"funnel","options":{"steps":["ad","browse","ad","browse"]}}"#,
        #"{"kind":"funnel","options":{"steps":["promo","browse","buy"],"mode":"strict"}}"#,
        #"{"kind":"funnel","options":{"steps":["decision","awareness"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["ad","receipt"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["ad","unsent"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["big","receipt"],"mode":"any_order"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["small","receipt"],"mode":"any_order"}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["browse","wrapped"]}}"#,
        #"{"kind":"funnel","options":{"step_times":false,"steps":["browse","red"]}}"#,
    ]
}
