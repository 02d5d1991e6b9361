/// Why ClickHouse did not do what was asked, with what to do next; never customer data.
public enum ClickHouseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The URL is not one.
    case invalidURL(String)
    /// A server cannot be reached or did not answer in time.
    case unavailable(String)
    /// A server refused or failed a statement: its error code and message.
    case server(code: Int, message: String)
    /// The data there is not what Wayfinder wrote (a table of another shape, a row cut short).
    case unexpected(String)

    public var description: String {
        switch self {
        case .invalidURL(let text), .unavailable(let text), .unexpected(let text): text
        case .server(let code, let message): "ClickHouse error \(code): \(message)"
        }
    }
}
