import Foundation

/// Where the team server's PostgreSQL database is:
/// `postgres://user[:password]@host[:port]/database[?schema=NAME]`.
///
/// With a schema, the store's tables live in that schema of the database (created when missing),
/// so that one database can hold several separate stores.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String?

    /// The URL as given, with any password replaced by `***`.
    public var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// Reads `text`, or says what is wrong with it and what a URL looks like.
    public init(_ text: String) throws(PostgresStoreError) {
        let example = "give it as postgres://USER@HOST:PORT/DATABASE, such as postgres://wayfinder@127.0.0.1:5432/wayfinder"
        guard text.utf8.count <= 2_048 else { throw .invalidURL("the store URL is \(text.utf8.count) bytes long; \(example)") }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            // Only the scheme is repeated: the rest may hold a password.
            throw .invalidURL("a URL starting '\(Self.scheme(of: text))' is not a PostgreSQL URL; \(example)")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("the store URL names no host; \(example)") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("the store URL names no user; \(example)") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw .invalidURL("the store URL's port \(port) is not between 1 and 65535; \(example)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw .invalidURL("the store URL names no database; \(example)") }
        var schema: String?
        for item in components.queryItems ?? [] {
            guard item.name == "schema", let value = item.value else {
                throw .invalidURL("the store URL has the option '\(item.name.prefix(40))', which Wayfinder does not read; the one option is schema=NAME")
            }
            guard Self.isSchemaName(value) else {
                throw .invalidURL("schema: '\(value.prefix(80))' is not a schema name; use lower-case letters, digits and underscores, starting with a letter (at most 63)")
            }
            schema = value
        }
        self.user = user
        self.password = components.password
        self.host = host
        self.port = port
        self.database = database
        self.schema = schema
    }

    /// What a URL-like text starts with, up to its `:` (at most 20 characters), to name it
    /// without repeating a password that may follow.
    public static func scheme(of text: String) -> String {
        String(text.prefix { $0 != ":" }.prefix(20)) + (text.contains(":") ? ":" : "")
    }

    /// A name PostgreSQL takes without quotes: `[a-z_][a-z0-9_]*`, at most 63 bytes.
    static func isSchemaName(_ text: String) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= 63, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
