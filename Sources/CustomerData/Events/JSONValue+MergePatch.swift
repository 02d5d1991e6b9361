extension JSONValue {
    /// This value with `patch` applied as a JSON merge patch (RFC 7396, as SQLite's
    /// `json_patch`): an object patch sets its keys one by one, merging objects within objects
    /// and removing a key whose patch value is null; any other patch replaces the value. Keys
    /// keep their order, and new keys come after.
    public func merged(with patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var entries: [(String, JSONValue)] = []
        if case .object(let existing) = self { entries = existing }
        for (key, value) in changes {
            let index = entries.firstIndex { $0.0 == key }
            if value == .null {
                if let index { entries.remove(at: index) }
            } else if let index {
                entries[index].1 = entries[index].1.merged(with: value)
            } else {
                entries.append((key, JSONValue.null.merged(with: value)))
            }
        }
        return .object(entries)
    }
}
