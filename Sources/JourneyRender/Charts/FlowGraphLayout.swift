/// A layered (Sugiyama-style) layout of a directed graph, drawn top to bottom.
///
/// Back edges are found by a depth-first search and left out of the layering; layers come
/// from the nodes' hints where given and from the longest path otherwise; edges that span
/// several layers pass through placeholder vertices; the order inside each layer is improved
/// by barycentre sweeps, keeping the order with the fewest crossings. Everything is
/// deterministic: ties fall back to input order.
struct FlowGraphLayout {
    /// Vertices are the real nodes (`0..<nodeCount`) followed by placeholders for long edges.
    var nodeCount: Int
    /// The layer of every vertex.
    var layer: [Int]
    /// The vertices of each layer, in drawing order.
    var order: [[Int]]
    /// Forward edges (input edge index) with the vertices they pass through, source first.
    var routes: [(edge: Int, vertices: [Int])]
    /// Input edge indices drawn around the side: edges that go back or stay in their layer.
    var sideEdges: [Int]

    var layerCount: Int { order.count }

    /// Lays out `nodeCount` nodes with optional layer hints and edges given as node indices (self loops excluded).
    init(nodeCount: Int, hints: [Int?], edges: [(from: Int, to: Int)], sweeps: Int = 6) {
        self.nodeCount = nodeCount
        let back = Self.backEdges(nodeCount: nodeCount, edges: edges)
        let nodeLayer = Self.layers(nodeCount: nodeCount, hints: hints, edges: edges, back: back)
        var layer = nodeLayer
        var routes: [(edge: Int, vertices: [Int])] = []
        var sideEdges: [Int] = []
        for (index, edge) in edges.enumerated() {
            let from = nodeLayer[edge.from], to = nodeLayer[edge.to]
            guard to > from else { sideEdges.append(index); continue }
            var vertices = [edge.from]
            for dummyLayer in (from + 1)..<to {
                vertices.append(layer.count)
                layer.append(dummyLayer)
            }
            vertices.append(edge.to)
            routes.append((index, vertices))
        }
        self.layer = layer
        self.routes = routes
        self.sideEdges = sideEdges
        let layerCount = (nodeLayer.max() ?? -1) + 1
        var order = [[Int]](repeating: [], count: layerCount)
        for vertex in layer.indices { order[layer[vertex]].append(vertex) }
        self.order = order
        reduceCrossings(sweeps: sweeps)
    }

    /// Edges that close a cycle in a depth-first search started from the sources, in input order.
    static func backEdges(nodeCount: Int, edges: [(from: Int, to: Int)]) -> Set<Int> {
        var outgoing = [[Int]](repeating: [], count: nodeCount)
        var indegree = [Int](repeating: 0, count: nodeCount)
        for (index, edge) in edges.enumerated() {
            outgoing[edge.from].append(index)
            indegree[edge.to] += 1
        }
        var state = [UInt8](repeating: 0, count: nodeCount) // 0 new, 1 on the stack, 2 done
        var back = Set<Int>()
        let roots = (0..<nodeCount).filter { indegree[$0] == 0 } + (0..<nodeCount).filter { indegree[$0] > 0 }
        for root in roots where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                if top.next < outgoing[top.node].count {
                    stack[stack.count - 1].next += 1
                    let edge = outgoing[top.node][top.next], target = edges[edge].to
                    if state[target] == 1 {
                        back.insert(edge)
                    } else if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        return back
    }

    /// Layers of the nodes, numbered from 0 without empty layers.
    ///
    /// Without hints: the longest path from a source. With hints: the hint orders nodes first and
    /// the longest path among nodes of the same hint second; a node without a hint goes one layer
    /// after its latest predecessor, or one before its earliest successor.
    static func layers(nodeCount: Int, hints: [Int?], edges: [(from: Int, to: Int)], back: Set<Int>) -> [Int] {
        var predecessors = [[Int]](repeating: [], count: nodeCount), successors = predecessors
        var indegree = [Int](repeating: 0, count: nodeCount)
        for (index, edge) in edges.enumerated() where !back.contains(index) {
            successors[edge.from].append(edge.to)
            predecessors[edge.to].append(edge.from)
            indegree[edge.to] += 1
        }
        // Kahn's algorithm, smallest index first among the ready nodes.
        var topological: [Int] = []
        var ready = (0..<nodeCount).filter { indegree[$0] == 0 }.reversed() as [Int]
        while let node = ready.popLast() {
            topological.append(node)
            var released: [Int] = []
            for next in successors[node] {
                indegree[next] -= 1
                if indegree[next] == 0 { released.append(next) }
            }
            ready = (ready + released).sorted(by: >)
        }
        let hinted = hints.contains { $0 != nil }
        let span = nodeCount + 1
        var value = [Int?](repeating: nil, count: nodeCount)
        if hinted {
            var depth = [Int](repeating: 0, count: nodeCount)
            for node in topological {
                guard let hint = hints[node].map({ min(max($0, -1_000_000), 1_000_000) }) else { continue }
                for previous in predecessors[node] where hints[previous] == hints[node] {
                    depth[node] = max(depth[node], depth[previous] + 1)
                }
                value[node] = hint * span + depth[node]
            }
        }
        for node in topological where value[node] == nil {
            let known = predecessors[node].compactMap { value[$0] }
            if let latest = known.max() {
                value[node] = latest + 1
            } else if !hinted {
                value[node] = 0
            }
        }
        for node in topological.reversed() where value[node] == nil {
            value[node] = successors[node].compactMap { value[$0] }.min().map { $0 - 1 } ?? 0
        }
        let distinct = Array(Set(value.map { $0 ?? 0 })).sorted()
        var rank: [Int: Int] = [:]
        for (index, item) in distinct.enumerated() { rank[item] = index }
        return value.map { rank[$0 ?? 0] ?? 0 }
    }

    /// Vertex-level neighbours above and below, from the routes.
    func neighbours() -> (up: [[Int]], down: [[Int]]) {
        var up = [[Int]](repeating: [], count: layer.count), down = up
        for route in routes {
            for (a, b) in zip(route.vertices, route.vertices.dropFirst()) {
                down[a].append(b)
                up[b].append(a)
            }
        }
        return (up, down)
    }

    /// Barycentre sweeps down and up; keeps the order with the fewest crossings.
    mutating func reduceCrossings(sweeps: Int) {
        let (up, down) = neighbours()
        var best = order, bestCrossings = crossings(of: order, down: down)
        var current = order
        for sweep in 0..<sweeps where bestCrossings > 0 {
            let downward = sweep % 2 == 0
            let layers = downward ? Array(1..<max(current.count, 1)) : Array((0..<max(current.count - 1, 0)).reversed())
            for layerIndex in layers {
                let reference = downward ? current[layerIndex - 1] : current[layerIndex + 1]
                var position = [Int: Double]()
                for (index, vertex) in reference.enumerated() { position[vertex] = Double(index) }
                let keys: [(vertex: Int, key: Double, index: Int)] = current[layerIndex].enumerated().map { index, vertex in
                    let linked = (downward ? up[vertex] : down[vertex]).compactMap { position[$0] }
                    let key = linked.isEmpty ? Double(index) : linked.reduce(0, +) / Double(linked.count)
                    return (vertex, key, index)
                }
                current[layerIndex] = keys.sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }.map(\.vertex)
            }
            let count = crossings(of: current, down: down)
            if count < bestCrossings {
                best = current
                bestCrossings = count
            }
        }
        order = best
    }

    /// Edge crossings between consecutive layers.
    func crossings(of order: [[Int]], down: [[Int]]) -> Int {
        var position = [Int](repeating: 0, count: layer.count)
        for vertices in order {
            for (index, vertex) in vertices.enumerated() { position[vertex] = index }
        }
        var total = 0
        for vertices in order {
            var pairs: [(Int, Int)] = []
            for vertex in vertices { for next in down[vertex] { pairs.append((position[vertex], position[next])) } }
            for i in pairs.indices {
                for j in pairs.indices where j > i {
                    if (pairs[i].0 - pairs[j].0) * (pairs[i].1 - pairs[j].1) < 0 { total += 1 }
                }
            }
        }
        return total
    }
}
