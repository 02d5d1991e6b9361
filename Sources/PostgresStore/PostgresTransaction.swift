import JourneyStore
import NIOCore
import PostgresNIO

/// One transaction on a PostgreSQL connection, as the shared store logic sees it.
///
/// The logic is synchronous (as SQLite's is), so a transaction runs on a thread of the store's
/// own pool, never on the cooperative pool or an event loop, and waits there for each answer.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection

    @discardableResult
    func execute(sql: String, arguments: SQLArguments) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func rows(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let columns = first.map(\.columnName)
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map(Self.value)) }
    }

    private func run(_ sql: String, _ arguments: SQLArguments) throws -> PostgresQueryResult {
        let binds = try arguments.values.map(Self.data)
        do {
            return try connection.query(Self.numberedPlaceholders(sql), binds).wait()
        } catch where PostgresFailure.state(error) == "23505" {
            throw SQLConstraintError.unique
        }
    }

    /// The SQL with each `?` outside a quoted text or name written as PostgreSQL's `$1`, `$2`, …
    /// in order, and each numbered `?2` as `$2`.
    static func numberedPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                if let next = pending, next.isASCII, next.isNumber {
                    // A numbered placeholder keeps its number.
                    result.append("$")
                } else {
                    number += 1
                    result += "$\(number)"
                }
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func data(_ value: SQLValue) throws -> PostgresData {
        switch value {
        case .null: return .null
        case .integer(let number): return PostgresData(int64: number)
        case .real(let number): return PostgresData(double: number)
        case .text(let text):
            // PostgreSQL's text cannot hold the NUL character; say so rather than cut the text.
            guard !text.utf8.contains(0) else {
                throw WorkspaceStoreError(.invalidInput, "a text holds a NUL character (\\u0000), which the PostgreSQL store cannot keep; remove it and send again")
            }
            return PostgresData(string: text)
        case .blob(let bytes): return PostgresData(bytes: bytes)
        }
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Array(buffer.readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }
}
