/// Why a query cannot run: a message naming the field and what was expected.
public struct AnalysisError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong and what to do.
    public var description: String
    /// The query field that is wrong, such as `options.window_days`, when the error is about one field.
    public var field: String?
    /// What is wrong with ``field``, without its name: `must be more than 0 and at most 3650 (got nan)`.
    public var problem: String?

    /// An error with its message.
    public init(_ description: String) { self.description = description }

    /// An error about one field: the message is the field's name followed by the problem.
    public init(field: String, problem: String) {
        description = "\(field) \(problem)"
        self.field = field
        self.problem = problem
    }
}
