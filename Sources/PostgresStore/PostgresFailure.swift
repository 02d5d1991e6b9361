import PostgresNIO

/// What PostgreSQL said about a failure, whichever of postgres-nio's error types carries it.
enum PostgresFailure {
    /// The SQLSTATE code of the server's answer (such as `23505`), or nil when the server gave none
    /// (the connection failed or closed).
    static func state(_ error: any Error) -> String? {
        switch error {
        case let error as PSQLError: error.serverInfo?[.sqlState]
        case let error as PostgresError:
            if case .server(let answer) = error { answer.fields[.sqlState] } else { nil }
        default: nil
        }
    }

    /// The server's message, without the statement or its arguments.
    static func message(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError: error.serverInfo?[.message] ?? "\(error.code)"
        case let error as PostgresError:
            if case .server(let answer) = error { answer.fields[.message] ?? "no message" } else { "\(error)" }
        default: "\(type(of: error))"
        }
    }
}
