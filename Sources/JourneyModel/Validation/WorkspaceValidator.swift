/// Checks a decoded workspace for problems beyond syntax: duplicate ids,
/// dangling references, emotions off the scale, empty stages, bad patterns, texts over their length.
public enum WorkspaceValidator {
    /// Every semantic problem of a workspace.
    public static func validate(_ workspace: Workspace, sourceMap: SourceMap) -> [Diagnostic] {
        var checker = Checker(sourceMap: sourceMap)
        checker.check(workspace)
        return checker.diagnostics
    }

    struct Checker {
        let sourceMap: SourceMap
        var diagnostics: [Diagnostic] = []

        mutating func report(_ severity: Diagnostic.Severity, _ code: String, _ path: String, _ message: String,
                             expected: String? = nil, suggestion: String? = nil) {
            diagnostics.append(Diagnostic(severity, code: code, at: sourceMap.location(of: path), file: sourceMap.defaultFile,
                                          path: path, message: message, expected: expected, suggestion: suggestion))
        }

        mutating func dangling(_ path: String, _ what: String, _ id: String, among candidates: [String], expected: String) {
            report(.error, "dangling-reference", path, "\(what) '\(id.prefix(60))' does not exist", expected: expected,
                   suggestion: Suggestions.hint(for: id, in: candidates))
        }

        mutating func duplicates(_ ids: [String], path: (Int) -> String, what: String) {
            var first: [String: Int] = [:]
            for (index, id) in ids.enumerated() where !id.isEmpty {
                if let earlier = first[id] {
                    let earlierLocation = sourceMap.location(of: path(earlier)).map { " (first defined at line \($0.line))" } ?? ""
                    report(.error, "duplicate-id", path(index), "duplicate \(what) id '\(id)'\(earlierLocation)",
                           expected: "ids unique within their \(what == "persona" || what == "journey" ? "workspace" : "map")",
                           suggestion: "rename one of them")
                } else {
                    first[id] = index
                }
            }
        }

        mutating func check(_ workspace: Workspace) {
            checkLengths(workspace)
            duplicates(workspace.personas.map(\.id), path: { "personas[\($0)].id" }, what: "persona")
            duplicates(workspace.journeys.map(\.id), path: { "journeys[\($0)].id" }, what: "journey")
            for (index, persona) in workspace.personas.enumerated() {
                for (traitIndex, trait) in (persona.match?.traits ?? []).enumerated() {
                    checkPattern(trait, path: "personas[\(index)].match.traits.\(trait.path)", index: traitIndex)
                }
            }
            for (index, journey) in workspace.journeys.enumerated() {
                check(journey, at: "journeys[\(index)]", in: workspace)
            }
        }

        mutating func check(_ journey: JourneyMap, at path: String, in workspace: Workspace) {
            let personaIDs = workspace.personas.map(\.id)
            for (index, persona) in journey.personas.enumerated() where !persona.isEmpty && !personaIDs.contains(persona) {
                dangling("\(path).personas[\(index)]", "persona", persona, among: personaIDs, expected: "the id of a persona in the workspace")
            }
            let journeyIDs = workspace.journeys.map(\.id)
            switch journey.state {
            case .future:
                if let improves = journey.improves {
                    if improves == journey.id {
                        report(.error, "invalid-reference", "\(path).improves", "a map cannot improve itself",
                               expected: "the id of the current-state map this future map improves")
                    } else if let current = workspace.journey(improves) {
                        if current.state != .current {
                            report(.error, "invalid-reference", "\(path).improves", "'\(improves)' is a future-state map, not a current one",
                                   expected: "the id of a current-state map", suggestion: current.improves.map { "did you mean '\($0)'?" })
                        }
                    } else {
                        dangling("\(path).improves", "current map", improves, among: journeyIDs.filter { $0 != journey.id },
                                 expected: "the id of the current-state map this future map improves")
                    }
                } else {
                    report(.error, "future-without-current", "\(path).state", "the future-state map '\(journey.id)' does not name the current map it improves",
                           expected: "'improves: <id of the current map>'",
                           suggestion: Suggestions.hint(for: journey.id, in: workspace.journeys.filter { $0.state == .current }.map(\.id))
                               .map { "add 'improves:'; \($0)" } ?? "add 'improves:' with the id of the current-state map")
                }
            case .current:
                if journey.improves != nil {
                    report(.warning, "improves-on-current", "\(path).improves", "a current-state map does not improve another map; 'improves' is ignored",
                           suggestion: "set 'state: future' if this map is a proposal")
                }
            }

            if journey.stages.isEmpty {
                report(.error, "no-stages", "\(path).stages", "the map has no stages", expected: "at least one stage",
                       suggestion: "remove 'stages' to use awareness, consideration, decision, retention and advocacy")
            }
            duplicates(journey.stages.map(\.id), path: { "\(path).stages[\($0)].id" }, what: "stage")
            duplicates(journey.touchpoints.map(\.id), path: { "\(path).touchpoints[\($0)].id" }, what: "touchpoint")
            duplicates(journey.lanes.map(\.id), path: { "\(path).lanes[\($0)].id" }, what: "lane")

            let scale = journey.emotionScale
            if !(scale.max - scale.min).isFinite || abs(scale.min) > 1_000_000 || abs(scale.max) > 1_000_000 {
                report(.error, "invalid-scale", "\(path).emotion_scale", "the emotion scale's range is too large",
                       expected: "min and max between -1000000 and 1000000, such as '{ min: -2, max: 2 }'")
            } else if scale.min >= scale.max {
                report(.error, "invalid-scale", "\(path).emotion_scale", "the emotion scale's min (\(NumberFormat.canonical(scale.min))) is not below its max (\(NumberFormat.canonical(scale.max)))",
                       expected: "min < max, such as '{ min: -2, max: 2 }'")
            }

            let stageIDs = journey.stages.map(\.id)
            let touchpointIDs = journey.touchpoints.map(\.id)
            for (index, touchpoint) in journey.touchpoints.enumerated() {
                let touchpointPath = "\(path).touchpoints[\(index)]"
                if !touchpoint.stage.isEmpty, !stageIDs.contains(touchpoint.stage) {
                    dangling("\(touchpointPath).stage", "stage", touchpoint.stage, among: stageIDs, expected: "the id of a stage of this map")
                }
                if let emotion = touchpoint.emotion, scale.min < scale.max, (scale.max - scale.min).isFinite, !scale.contains(emotion) {
                    report(.error, "emotion-out-of-scale", "\(touchpointPath).emotion",
                           "emotion \(NumberFormat.canonical(emotion)) is outside the map's scale \(NumberFormat.canonical(scale.min))…\(NumberFormat.canonical(scale.max))",
                           expected: "a number from \(NumberFormat.canonical(scale.min)) to \(NumberFormat.canonical(scale.max))",
                           suggestion: "use \(NumberFormat.canonical(min(max(emotion, scale.min), scale.max))) or widen 'emotion_scale'")
                }
                if let match = touchpoint.match {
                    if let event = match.event, PatternCheck.isGlob(event), let problem = PatternCheck.globProblem(event) {
                        report(.error, "invalid-glob", "\(touchpointPath).match.event", "invalid glob: \(problem)",
                               expected: "an event name, or a glob using '*', '?' and '[…]'")
                    }
                    for (conditionIndex, condition) in match.properties.enumerated() {
                        checkPattern(condition, path: "\(touchpointPath).match.properties.\(condition.path)", index: conditionIndex)
                    }
                    if let earlier = journey.touchpoints[..<index].firstIndex(where: { $0.match == match }) {
                        report(.warning, "unreachable-match", "\(touchpointPath).match",
                               "this match rule is the same as that of '\(journey.touchpoints[earlier].id)', which comes first, so no event will reach '\(touchpoint.id)'",
                               suggestion: "make one of the rules more specific")
                    }
                }
            }
            for (index, stage) in journey.stages.enumerated() where !stage.id.isEmpty && !journey.touchpoints.contains(where: { $0.stage == stage.id }) {
                report(.warning, "empty-stage", "\(path).stages[\(index)]", "stage '\(stage.id)' has no touchpoints",
                       suggestion: "add a touchpoint with 'stage: \(stage.id)' or remove the stage")
            }
            if let goal = journey.goal, !goal.isEmpty, !touchpointIDs.contains(goal), !stageIDs.contains(goal) {
                dangling("\(path).goal", "goal", goal, among: touchpointIDs + stageIDs, expected: "the id of a touchpoint or stage of this map")
            } else if journey.goal == nil, !journey.touchpoints.isEmpty {
                report(.warning, "no-goal", "\(path)", "the map '\(journey.id)' has no goal, so conversion means reaching its last stage",
                       suggestion: "add 'goal: <touchpoint id>' naming the touchpoint that counts as conversion")
            }
            for (laneIndex, lane) in journey.lanes.enumerated() {
                for card in lane.cards where !touchpointIDs.contains(card.touchpoint) {
                    dangling("\(path).lanes[\(laneIndex)].cards.\(card.touchpoint)", "touchpoint", card.touchpoint, among: touchpointIDs,
                             expected: "free-lane cards keyed by the id of a touchpoint of this map")
                }
            }
        }

        mutating func checkPattern(_ condition: FieldCondition, path: String, index: Int) {
            if condition.path.isEmpty || condition.path.hasPrefix(".") || condition.path.hasSuffix(".") || condition.path.contains("..") {
                report(.error, "invalid-path", path, "'\(condition.path)' is not a valid dotted path",
                       expected: "names joined by single dots, such as 'context.page.path'")
            }
            if case .equals(.string(let text)) = condition.condition, PatternCheck.isGlob(text), let problem = PatternCheck.globProblem(text) {
                report(.error, "invalid-glob", path, "invalid glob: \(problem)", expected: "a value, or a glob using '*', '?' and '[…]'",
                       suggestion: "use '{ eq: \"…\" }' to compare the text literally")
            }
        }
    }
}
