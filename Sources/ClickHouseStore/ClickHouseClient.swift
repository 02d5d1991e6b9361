import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Statements to the servers of a ``ClickHouseURL`` over their HTTP interface.
///
/// Statements are text: values are written into them by ``ClickHouseSQL`` (ClickHouse 18.16 has
/// no bound parameters), and rows go in and out as `RowBinary`, whose strings carry their byte
/// length, so no byte of customer data is ever parsed as SQL or cut at a NUL.
///
/// Calls block the calling thread until the answer is in (the analytics index reads on its own
/// threads); never call them on an event loop.
public struct ClickHouseClient: Sendable {
    public let url: ClickHouseURL
    /// Longest a statement may run.
    public var timeout: TimeAmount = .seconds(600)
    /// Longest a connection may take to open.
    static let connectTimeout: TimeAmount = .seconds(5)
    /// One client for the process: a statement may compute for minutes before its first byte, so
    /// no read timeout cuts it short (the statement's deadline, ``timeout``, does).
    static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(timeout: .init(connect: connectTimeout, read: .hours(2))))
    /// `WAYFINDER_CLICKHOUSE_LOG=1` writes each statement, and how long its answer took, to standard error.
    static let logsStatements = ProcessInfo.processInfo.environment["WAYFINDER_CLICKHOUSE_LOG"] == "1"

    public init(url: ClickHouseURL) { self.url = url }

    /// Runs `sql` on `host` (the first server by default) and returns the answer's bytes.
    @discardableResult
    public func execute(_ sql: String, on host: ClickHouseURL.Host? = nil, settings: [String: String] = [:]) throws(ClickHouseError) -> [UInt8] {
        try send(host ?? url.hosts[0], query: nil, body: Array(sql.utf8), settings: settings)
    }

    /// Runs `sql` on every server of the URL (the tables each shard holds are made this way).
    public func executeOnEveryHost(_ sql: String) throws(ClickHouseError) {
        for host in url.hosts { try execute(sql, on: host) }
    }

    /// Sends `rows` (RowBinary) to `INSERT INTO table FORMAT RowBinary`; a `Distributed` table
    /// puts each row on its shard before answering (`insert_distributed_sync`), so an answer
    /// means every row is stored.
    public func insert(into table: String, columns: [String], rows: [UInt8]) throws(ClickHouseError) {
        let statement = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) FORMAT RowBinary"
        _ = try send(url.hosts[0], query: statement, body: rows, settings: ["insert_distributed_sync": "1"])
    }

    /// The first value of the first row of `sql`'s TabSeparated answer, as text.
    public func value(_ sql: String) throws(ClickHouseError) -> String {
        let answer = try execute(sql + " FORMAT TabSeparated")
        let text = String(decoding: answer, as: UTF8.self)
        return String(text.prefix { $0 != "\n" && $0 != "\t" })
    }

    /// The values of the scalar subqueries `queries` (counts, maxima), read in one statement, in
    /// order; `what` names them in the error when the answer is not that many integers.
    public func integers(_ queries: [String], settings: [String: String] = [:], what: String) throws(ClickHouseError) -> [Int] {
        let answer = try execute("SELECT concat(" + queries.map { "toString((\($0)))" }.joined(separator: ", ',', ") + ") FORMAT TabSeparated",
                                 settings: settings)
        let text = String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.count == queries.count, !numbers.contains(nil) else {
            throw .unexpected("\(url): cannot read \(what) (the answer was '\(text.prefix(80))')")
        }
        return numbers.compactMap { $0 }
    }

    /// Whether the first server answers a trivial statement within a second (for health checks,
    /// which load balancers give little time); never throws.
    public func isReachable() -> Bool {
        var client = self
        client.timeout = .seconds(1)
        return (try? client.value("SELECT 1")) == "1"
    }

    private func send(_ host: ClickHouseURL.Host, query: String?, body: [UInt8], settings: [String: String]) throws(ClickHouseError) -> [UInt8] {
        var components = URLComponents()
        components.scheme = "http"
        components.host = host.name
        components.port = host.port
        // Statements name their tables with the database (it may not exist yet when one runs).
        var items: [URLQueryItem] = []
        if let query { items.append(URLQueryItem(name: "query", value: query)) }
        for (name, value) in settings.sorted(by: { $0.key < $1.key }) { items.append(URLQueryItem(name: name, value: value)) }
        components.queryItems = items
        let where_ = "\(host.name):\(host.port)"
        guard let address = components.string else { throw .invalidURL("clickhouse://\(where_): cannot make an HTTP address of it") }
        let request: HTTPClient.Request
        do {
            var headers = HTTPHeaders()
            if let user = url.user {
                let credentials = Data("\(user):\(url.password ?? "")".utf8).base64EncodedString()
                headers.add(name: "Authorization", value: "Basic \(credentials)")
            }
            request = try HTTPClient.Request(url: address, method: .POST, headers: headers, body: .bytes(body))
        } catch {
            throw .invalidURL("clickhouse://\(where_): cannot make an HTTP request of it (\(error))")
        }
        let response: HTTPClient.Response
        let started = NIODeadline.now()
        if Self.logsStatements {
            let text = query ?? String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            try? FileHandle.standardError.write(contentsOf: Data("clickhouse \(where_): \(text)\n".utf8))
        }
        defer {
            if Self.logsStatements {
                try? FileHandle.standardError.write(contentsOf: Data("clickhouse \(where_): answered in \((NIODeadline.now() - started).nanoseconds / 1_000_000) ms\n".utf8))
            }
        }
        do {
            response = try Self.http.execute(request: request, deadline: .now() + timeout).wait()
        } catch {
            throw .unavailable("ClickHouse at \(where_) did not answer (\(Self.reason(error))); check that it runs (scripts/cluster.sh up starts one) and that the URL names its HTTP port")
        }
        let bytes = response.body.map { Array($0.readableBytesView) } ?? []
        guard response.status == .ok else {
            throw Self.serverError(bytes, status: response.status.code, host: where_)
        }
        return bytes
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("connect timeout") { return "the connection timed out" }
        if text.contains("deadlineExceeded") || text.contains("readTimeout") { return "no answer within the time allowed" }
        if text.contains("refused") || text.contains("ECONNREFUSED") { return "connection refused" }
        return String(text.prefix(200))
    }

    /// ClickHouse's `Code: 60, e.displayText() = DB::Exception: …` as a typed error.
    static func serverError(_ bytes: [UInt8], status: UInt, host: String) -> ClickHouseError {
        let text = String(decoding: bytes.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var code = 0
        if text.hasPrefix("Code: "), let number = Int(text.dropFirst(6).prefix { $0.isNumber }) { code = number }
        var message = text
        if let range = text.range(of: "DB::Exception: ") { message = String(text[range.upperBound...]) }
        if let end = message.range(of: ", e.what()") { message = String(message[..<end.lowerBound]) }
        if code == 0 { return .unavailable("ClickHouse at \(host) answered HTTP \(status): \(message.prefix(300))") }
        return .server(code: code, message: String(message.prefix(600)))
    }
}

/// Values written into ClickHouse statements.
public enum ClickHouseSQL {
    /// `text` as a quoted string literal: every byte but letters, digits and a few marks is
    /// written as `\xHH`, so no quote, backslash or NUL of it ends the literal.
    public static func string(_ text: String) -> String {
        var literal = "'"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: " "):
                literal.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                literal += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return literal + "'"
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
