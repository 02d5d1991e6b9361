/// Where each value of a decoded workspace was written, keyed by key path.
///
/// Paths look like `journeys[0].touchpoints[3].stage`; the validator uses them
/// to place its diagnostics on the exact key.
public struct SourceMap: Sendable {
    private var locations: [String: SourceLocation] = [:]
    /// The file each top-level object came from, for objects without positions.
    public var defaultFile: String

    /// Creates an empty map for a file.
    public init(defaultFile: String) {
        self.defaultFile = defaultFile
    }

    /// Records where the value at a path starts.
    public mutating func record(_ path: String, _ location: SourceLocation?) {
        if let location { locations[path] = location }
    }

    /// The location of a path, or of its closest recorded ancestor.
    public func location(of path: String) -> SourceLocation? {
        var path = Substring(path)
        while true {
            if let location = locations[String(path)] { return location }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
    }

    /// Adds every location of another map.
    public mutating func merge(_ other: SourceMap) {
        locations.merge(other.locations) { current, _ in current }
    }

    /// Moves every path under `from` to `to` (`personas[0]` to `personas[3]`).
    public func rebased(from: String, to: String) -> SourceMap {
        var copy = SourceMap(defaultFile: defaultFile)
        for (path, location) in locations {
            if path == from || path.hasPrefix(from + ".") || path.hasPrefix(from + "[") {
                copy.locations[to + path.dropFirst(from.count)] = location
            } else {
                copy.locations[path] = location
            }
        }
        return copy
    }
}
