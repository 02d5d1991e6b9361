/// Why the PostgreSQL store cannot be opened.
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable {
    case invalidURL(String)
    case unavailable(String)
    case schema(String)

    public var description: String {
        switch self {
        case .invalidURL(let text), .unavailable(let text), .schema(let text): text
        }
    }
}
