/// A run-time failure of an expression: a division by zero, a date out of range, case data that
/// does not match its declared type. The engine escalates it; it never crashes.
public struct EvaluationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for the person who handles the escalation.
    public let message: String
    /// The part of the expression that failed, when known.
    public let span: ExpressionSpan?

    public init(_ message: String, at span: ExpressionSpan? = nil) {
        self.message = message
        self.span = span
    }

    public var description: String { message }
}
