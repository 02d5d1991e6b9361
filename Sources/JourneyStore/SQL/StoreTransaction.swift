import Foundation

/// A value bound to or read from a statement of a workspace store, whatever its database.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds to a statement and reads back from a column.
public protocol SQLColumnValue {
    var sqlValue: SQLValue { get }
    /// The value of a column, or nil when the column holds something else.
    static func from(_ value: SQLValue) -> Self?
}

extension Int64: SQLColumnValue {
    public var sqlValue: SQLValue { .integer(self) }
    public static func from(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number)
        default: nil
        }
    }
}

extension Int: SQLColumnValue {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func from(_ value: SQLValue) -> Int? { Int64.from(value).flatMap { Int(exactly: $0) } }
}

extension Bool: SQLColumnValue {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func from(_ value: SQLValue) -> Bool? { Int64.from(value).map { $0 != 0 } }
}

extension Double: SQLColumnValue {
    public var sqlValue: SQLValue { .real(self) }
    public static func from(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }
}

extension String: SQLColumnValue {
    public var sqlValue: SQLValue { .text(self) }
    public static func from(_ value: SQLValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }
}

extension Data: SQLColumnValue {
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
    public static func from(_ value: SQLValue) -> Data? {
        if case .blob(let bytes) = value { return Data(bytes) }
        return nil
    }
}

extension Array: SQLColumnValue where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
    public static func from(_ value: SQLValue) -> [UInt8]? {
        if case .blob(let bytes) = value { return bytes }
        return nil
    }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public static func from(_ value: SQLValue) -> Wrapped?? {
        if value == .null { return .some(nil) }
        return Wrapped.from(value).map { .some($0) }
    }
}

/// The values bound to a statement's `?` placeholders, in order.
public struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }
    public init(arrayLiteral elements: (any SQLColumnValue)?...) { values = elements.map { $0?.sqlValue ?? .null } }
    public init(_ elements: [any SQLColumnValue]) { values = elements.map(\.sqlValue) }

    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(lhs.values + rhs.values) }
}

/// One row of a result, read by column position or name.
public struct SQLRow: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The column at `index` as `T`; a stored value of another type (which only a database
    /// changed outside Wayfinder holds) is an error that names the column, never a zero read in its place.
    public subscript<T: SQLColumnValue>(_ index: Int) -> T {
        get throws(WorkspaceStoreError) {
            guard values.indices.contains(index) else {
                throw WorkspaceStoreError(.storage, "the store's answer has no column \(index + 1); the database may be of another release")
            }
            guard let value = T.from(values[index]) else {
                let name = index < columns.count ? "'\(columns[index])'" : "\(index + 1)"
                throw WorkspaceStoreError(.storage, "the store's column \(name) holds \(values[index].kind) where \(T.self) was expected; the database was changed outside Wayfinder")
            }
            return value
        }
    }

    /// The column at `index` as `T`, or nil when it holds NULL or a value of another type: for a
    /// value a reader can do without (a rule's day count stored by hand as text reads as absent,
    /// and the rule is skipped, not every rule with it).
    public func readable<T: SQLColumnValue>(_ index: Int) -> T? {
        values.indices.contains(index) ? T.from(values[index]) : nil
    }

    /// The column named `name` as `T`.
    public subscript<T: SQLColumnValue>(_ name: String) -> T {
        get throws(WorkspaceStoreError) {
            guard let index = columns.firstIndex(of: name) else {
                throw WorkspaceStoreError(.storage, "the store's answer has no column '\(name)'; the database may be of another release")
            }
            return try self[index]
        }
    }
}

extension SQLValue {
    /// What kind of value this is, as an error names it.
    var kind: String {
        switch self {
        case .null: "NULL"
        case .integer: "a whole number"
        case .real: "a real number"
        case .text: "text"
        case .blob: "bytes"
        }
    }
}

/// What a write could not do because of the data it met, in the words of no particular database.
public enum SQLConstraintError: Error, Sendable {
    /// A row with the same unique key exists (two writers added it at once).
    case unique
}

/// One transaction of a workspace store's database: statements with `?` placeholders in the
/// SQL both SQLite and PostgreSQL read. The store's logic is written once against this, and runs on
/// the embedded SQLite file and on a team server's PostgreSQL alike.
public protocol StoreTransaction {
    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int
    /// The rows of a query.
    func rows(sql: String, arguments: SQLArguments) throws -> [SQLRow]
}

extension StoreTransaction {
    @discardableResult
    public func execute(sql: String) throws -> Int { try execute(sql: sql, arguments: []) }

    public func rows(sql: String) throws -> [SQLRow] { try rows(sql: sql, arguments: []) }

    /// The first row of a query, or nil.
    public func row(sql: String, arguments: SQLArguments = []) throws -> SQLRow? { try rows(sql: sql, arguments: arguments).first }

    /// The first column of the first row, or nil when there is no row or it holds NULL.
    public func value<T: SQLColumnValue>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> T? {
        guard let row = try row(sql: sql, arguments: arguments), let first = row.values.first, first != .null else { return nil }
        return try row[0] as T
    }

    /// The first column of every row.
    public func values<T: SQLColumnValue>(_ type: T.Type, sql: String, arguments: SQLArguments = []) throws -> [T] {
        try rows(sql: sql, arguments: arguments).map { row in try row[0] as T }
    }

    /// Runs an `INSERT` and returns the `id` of the row it added.
    public func insert(sql: String, arguments: SQLArguments = []) throws -> Int64 {
        guard let id = try value(Int64.self, sql: sql + " RETURNING id", arguments: arguments) else {
            throw WorkspaceStoreError(.storage, "the store added a row but did not say its number; try again")
        }
        return id
    }
}
