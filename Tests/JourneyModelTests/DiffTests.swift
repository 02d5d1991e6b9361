import JourneyModel
import Testing

@Suite("Diff")
struct DiffTests {
    @Test("identical workspaces have no changes", arguments: WorkspaceTemplate.allCases)
    func identical(template: WorkspaceTemplate) {
        #expect(WorkspaceDiff(old: template.workspace, new: template.workspace).isEmpty)
    }

    @Test("each kind of change is listed once")
    func changes() throws {
        let old = WorkspaceTemplate.retail.workspace
        var new = old
        var journey = try #require(new.journeys.first { $0.id == "first-purchase" })
        let index = try #require(new.journeys.firstIndex { $0.id == journey.id })
        let first = journey.touchpoints[0]
        let removed = journey.touchpoints[1]
        journey.touchpoints[0].emotion = 2
        journey.touchpoints[0].actions.append(Card("Shares it with a friend"))
        journey.touchpoints.remove(at: 1)
        journey.touchpoints.append(Touchpoint(id: "size-quiz", name: "Takes the size quiz", stage: "consideration", channel: "web"))
        let movedIndex = journey.touchpoints.count - 2
        let moved = journey.touchpoints[movedIndex]
        journey.touchpoints[movedIndex].stage = "awareness"
        journey.stages[0].name = "Discover"
        new.journeys[index] = journey
        new.personas.removeLast()
        new.personas[0].goals.append("Run a 10k")

        let diff = WorkspaceDiff(old: old, new: new)
        let lines = diff.changes.map(\.line)
        let target = "first-purchase"
        #expect(lines.contains("~ emotion \(target)/\(first.id): \"\(NumberFormat.canonical(first.emotion!))\" → \"2\""), "\(lines)")
        #expect(lines.contains("+ card \(target)/\(first.id) actions: \"Shares it with a friend\""))
        #expect(lines.contains("- touchpoint \(target)/\(removed.id): \"\(removed.name) (\(removed.stage), \(removed.channel))\""))
        #expect(lines.contains("+ touchpoint \(target)/size-quiz: \"Takes the size quiz (consideration, web)\""))
        #expect(lines.contains("> touchpoint \(target)/\(moved.id) stage: \"\(moved.stage)\" → \"awareness\""))
        #expect(lines.contains("~ stage \(target)/awareness name: \"Awareness\" → \"Discover\""))
        #expect(lines.contains("- persona \(old.personas.last!.id): \"\(old.personas.last!.name)\""))
        #expect(lines.contains("+ persona \(old.personas[0].id) goals: \"Run a 10k\""))
        // Removing a touchpoint shifts the others but moves none of them.
        #expect(diff.changes.filter { $0.action == .moved }.count == 1, "\(lines)")
        #expect(diff.changes.count == 8, "\(lines)")
    }

    @Test("reordering stages reports only the ones that moved")
    func reorder() {
        var old = JourneyMap(id: "j", title: "J")
        old.touchpoints = []
        var new = old
        new.stages = [old.stages[0], old.stages[2], old.stages[1], old.stages[3], old.stages[4]]
        let moves = WorkspaceDiff(old: Workspace(journeys: [old]), new: Workspace(journeys: [new])).changes.filter { $0.action == .moved }
        #expect(moves.count == 1)
    }

    @Test("the current and future template maps differ as their touchpoints say")
    func futureAgainstCurrent() throws {
        for template in WorkspaceTemplate.allCases {
            let workspace = template.workspace
            let current = try #require(workspace.journeys.first { $0.state == .current })
            var future = try #require(workspace.journeys.first { $0.state == .future })
            future.id = current.id
            let diff = WorkspaceDiff(old: Workspace(journeys: [current]), new: Workspace(journeys: [future]))
            let added = Set(future.touchpoints.map(\.id)).subtracting(current.touchpoints.map(\.id))
            let removed = Set(current.touchpoints.map(\.id)).subtracting(future.touchpoints.map(\.id))
            #expect(Set(diff.changes.filter { $0.subject == .touchpoint && $0.action == .added }.map { String($0.target.split(separator: "/")[1]) }) == added)
            #expect(Set(diff.changes.filter { $0.subject == .touchpoint && $0.action == .removed }.map { String($0.target.split(separator: "/")[1]) }) == removed)
            let emotionChanges = future.touchpoints.filter { tp in current.touchpoint(tp.id).map { $0.emotion != tp.emotion } ?? false }
            #expect(diff.changes.filter { $0.subject == .emotion }.count == emotionChanges.count)
        }
    }
}
