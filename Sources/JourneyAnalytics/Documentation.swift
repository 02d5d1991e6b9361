// JourneyAnalytics measures real journeys against a map.
//
// Data flows one way: `IndexBuilder` reads events, customers and feedback from a `JourneyStore`,
// classifies each event into a touchpoint with the map's match rules and lays the result out in a
// `JourneyIndex` (customers in id order, each with its time-ordered events in contiguous arrays).
// Every analysis is a pure function of an index and an `AnalysisQuery`, and returns a Codable result
// whose JSON follows "Analysis semantics" in DESIGN.md.
