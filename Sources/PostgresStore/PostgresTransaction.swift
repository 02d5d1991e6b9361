import Dispatch
import JourneyStore
import Logging
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
    /// in order, and each numbered `?2` as `$2`. Read byte by byte: the statements of a bulk copy
    /// hold tens of thousands of placeholders.
    static func numberedPlaceholders(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 4)
        var number = 0
        var quote: UInt8?
        for (index, byte) in bytes.enumerated() {
            if let open = quote {
                if byte == open { quote = nil }
                result.append(byte)
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
                result.append(byte)
            } else if byte == UInt8(ascii: "?") {
                result.append(UInt8(ascii: "$"))
                // A numbered placeholder keeps its number.
                if index + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1]) { continue }
                number += 1
                result.append(contentsOf: String(number).utf8)
            } else {
                result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
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

    /// A column's value; a type the store's tables do not use (such as `numeric`, which `sum()`
    /// gives) is an error rather than text read from its binary form.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea:
            let buffer = try cell.decode(ByteBuffer.self)
            return .blob(Array(buffer.readableBytesView))
        case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
        default:
            throw WorkspaceStoreError(.storage, "column \(cell.columnName) is of the PostgreSQL type \(cell.dataType), which the store does not read; cast it in the query")
        }
    }

    /// Adds rows with `COPY … FROM STDIN` in PostgreSQL's text format: one statement and one
    /// stream of bytes, instead of a statement per few thousand rows.
    func insertRows(table: String, columns: [String], rows: ArraySlice<SQLRow>) throws {
        guard !rows.isEmpty else { return }
        var data = ByteBuffer()
        data.reserveCapacity(rows.count * 64)
        for row in rows {
            for (index, value) in row.values.enumerated() {
                if index > 0 { data.writeInteger(UInt8(ascii: "\t")) }
                try Self.copyText(value, into: &data)
            }
            data.writeInteger(UInt8(ascii: "\n"))
        }
        let connection = connection
        let outcome = CopyOutcome()
        let done = DispatchSemaphore(value: 0)
        // The copy's task runs on threads of its own, never on the cooperative pool, whose
        // threads the caller (which waits here) may be one of.
        Task(executorPreference: Self.copyExecutor) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: Logger(label: "wayfinder.postgres")) { writer in
                    try await writer.write(data)
                }
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// Where the tasks of copies run.
    static let copyExecutor = QueueTaskExecutor(label: "wayfinder.postgres.copy")

    /// The error a copy's task ended with, read after it signalled.
    private final class CopyOutcome: @unchecked Sendable {
        var error: (any Error)?
    }

    /// A value in COPY's text format: `\N` for NULL, backslash escapes in text, bytea as `\\x` and hex.
    static func copyText(_ value: SQLValue, into data: inout ByteBuffer) throws {
        switch value {
        case .null: data.writeString("\\N")
        case .integer(let number): data.writeString(String(number))
        case .real(let number):
            data.writeString(number.isNaN ? "NaN" : number.isInfinite ? (number < 0 ? "-Infinity" : "Infinity") : "\(number)")
        case .text(let text):
            guard !text.utf8.contains(0) else {
                throw WorkspaceStoreError(.invalidInput, "a text holds a NUL character (\\u0000), which the PostgreSQL store cannot keep; remove it and copy again")
            }
            var text = text
            text.withUTF8 { bytes in
                // Runs without a byte to escape go in whole.
                var start = 0
                for index in 0..<bytes.count {
                    let escape: StaticString
                    switch bytes[index] {
                    case UInt8(ascii: "\\"): escape = "\\\\"
                    case UInt8(ascii: "\t"): escape = "\\t"
                    case UInt8(ascii: "\n"): escape = "\\n"
                    case UInt8(ascii: "\r"): escape = "\\r"
                    default: continue
                    }
                    data.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                    data.writeStaticString(escape)
                    start = index + 1
                }
                data.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])))
            }
        case .blob(let bytes):
            data.writeString("\\\\x")
            let digits = Array("0123456789abcdef".utf8)
            for byte in bytes {
                data.writeInteger(digits[Int(byte >> 4)])
                data.writeInteger(digits[Int(byte & 0x0F)])
            }
        }
    }

    /// Commits, and fails when PostgreSQL ended the transaction otherwise (it answers `ROLLBACK`
    /// to the `COMMIT` of a transaction a failed statement aborted).
    func commit() throws {
        let answer = try connection.query("COMMIT", []).wait().metadata.command
        guard answer == "COMMIT" else {
            throw WorkspaceStoreError(.storage, "PostgreSQL rolled the transaction back instead of committing it; nothing was written, try again")
        }
    }
}

/// A task executor on a dispatch queue: tasks preferring it run on the queue's threads.
final class QueueTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
