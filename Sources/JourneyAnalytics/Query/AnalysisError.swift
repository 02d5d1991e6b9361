/// Why a query cannot run: a message naming the field and what was expected.
public struct AnalysisError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong and what to do.
    public var description: String

    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
