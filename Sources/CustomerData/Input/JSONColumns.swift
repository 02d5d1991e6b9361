/// A JSON record read as named columns, so that a mapping reads an export's JSON lines as it reads
/// a CSV file's rows.
///
/// - Nested objects give dotted paths: `{"device": {"category": "mobile"}}` is the column
///   `device.category`.
/// - A list of `{key, value}` objects, as Google Analytics 4 writes `event_params` and
///   `user_properties`, gives a column per key: `event_params.page_location`.
/// - A typed value object (`{"string_value": …, "int_value": …}`) is its one typed value that is
///   not null.
/// - Numbers are written as JSON writes them, booleans as `true` and `false`; other lists are
///   their JSON text; nulls and empty texts give no column.
public enum JSONColumns {
    /// Columns one record may give; past it the rest of the record is left out (a record is at
    /// most ``EventDecoder/maximumRecordSize`` bytes, so this is reached only by many tiny values).
    public static let maximumColumns = 4_096
    /// Items of a record's list read one by one (`each`); a record is at most 32 KB, so this is
    /// reached only by many tiny items.
    public static let maximumItems = 4_096
    /// Column names past this length (bytes) are left out with their values: no mapping names
    /// such a column, and a record of many long keys would otherwise make megabytes of names.
    public static let maximumNameLength = 512

    /// The columns of `record`, in the record's order (the first of a repeated name wins).
    public static func columns(of record: JSONValue) -> [(name: String, value: String)] {
        var columns: [(name: String, value: String)] = []
        var seen: Set<String> = []
        func add(_ name: String, _ value: String) {
            guard !value.isEmpty, columns.count < maximumColumns, name.utf8.count <= maximumNameLength, seen.insert(name).inserted else { return }
            columns.append((name, value))
        }
        func walk(_ value: JSONValue, _ path: String) {
            guard path.utf8.count <= maximumNameLength else { return }
            switch value {
            case .null: return
            case .string(let text): add(path, text)
            case .number, .bool: if let text = value.text { add(path, text) }
            case .object(let members):
                if let typed = typedValue(members) { walk(typed, path); return }
                for (key, member) in members { walk(member, path.isEmpty ? key : path + "." + key) }
            case .array(let items):
                if let pairs = keyedPairs(items) {
                    for (key, member) in pairs { walk(member, path + "." + key) }
                } else if !items.isEmpty {
                    add(path, value.json)
                }
            }
        }
        walk(record, "")
        return columns
    }

    /// The member names of a typed value object, as GA4 writes them.
    static let typedValueNames: Set = ["string_value", "int_value", "float_value", "double_value"]

    /// The value of a typed value object: its members are typed values (GA4 also gives
    /// `set_timestamp_micros` beside them in `user_properties`), and one of those is not null.
    private static func typedValue(_ members: [(String, JSONValue)]) -> JSONValue? {
        guard members.contains(where: { typedValueNames.contains($0.0) }),
              members.allSatisfy({ typedValueNames.contains($0.0) || $0.0 == "set_timestamp_micros" }) else { return nil }
        return members.first { typedValueNames.contains($0.0) && $0.1 != .null }?.1 ?? .null
    }

    /// The pairs of a list of `{"key": text, "value": …}` objects, or nil when it is another list.
    private static func keyedPairs(_ items: [JSONValue]) -> [(String, JSONValue)]? {
        guard !items.isEmpty else { return nil }
        var pairs: [(String, JSONValue)] = []
        for item in items {
            guard case .object(let members) = item, members.count == 2, case .string(let key)? = item["key"], !key.isEmpty, let value = item["value"] else { return nil }
            pairs.append((key, value))
        }
        return pairs
    }
}
