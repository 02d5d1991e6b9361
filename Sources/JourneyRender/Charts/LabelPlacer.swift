/// Places small labels at the first of several candidate points where they overlap nothing placed before.
///
/// Deterministic: candidates are tried in the order given, and when none is free the first is used.
struct LabelPlacer {
    /// A box as left, top, right, bottom.
    typealias Box = (left: Double, top: Double, right: Double, bottom: Double)

    private(set) var occupied: [Box] = []

    /// Marks an area, such as a node, as taken.
    mutating func reserve(_ box: Box) { occupied.append(box) }

    /// The box of a centred label of `width` whose baseline is at `y`.
    static func box(x: Double, y: Double, width: Double, size: Double) -> Box {
        (x - width / 2 - 2, y - size, x + width / 2 + 2, y + 3)
    }

    func isFree(_ box: Box) -> Bool {
        !occupied.contains { box.left < $0.right && $0.left < box.right && box.top < $0.bottom && $0.top < box.bottom }
    }

    /// The first free candidate for a centred label (reserving its box), or the first candidate.
    mutating func place(width: Double, size: Double, candidates: [(x: Double, y: Double)]) -> (x: Double, y: Double)? {
        guard let first = candidates.first else { return nil }
        let chosen = candidates.first { isFree(Self.box(x: $0.x, y: $0.y, width: width, size: size)) } ?? first
        reserve(Self.box(x: chosen.x, y: chosen.y, width: width, size: size))
        return chosen
    }
}
