/// A problem in an expression, found by the lexer, the parser or the type checker, with the
/// position of the offending token so the caller can point at `file:line:column`.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is; codes are static members so new ones can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text does not read as an expression (a character, a string, a missing operand).
        public static let syntax = Code("syntax")
        /// A field path that the workflow does not declare.
        public static let unknownField = Code("unknown-field")
        /// A function that the language does not have.
        public static let unknownFunction = Code("unknown-function")
        /// A function called with the wrong number or kind of values.
        public static let arguments = Code("arguments")
        /// An operator applied to values of types it does not take.
        public static let typeMismatch = Code("type-mismatch")
        /// A string that is not among an enum field's values.
        public static let enumValue = Code("enum-value")
        /// The whole expression gives a type the place does not take (a guard that is an int).
        public static let resultType = Code("result-type")
    }

    public let code: Code
    /// What is wrong and what to write instead, for a process designer.
    public let message: String
    /// Where the offending token is, in Unicode scalars from the start of the expression.
    public let span: ExpressionSpan

    public init(_ code: Code, _ message: String, at span: ExpressionSpan) {
        self.code = code
        self.message = message
        self.span = span
    }

    /// The 0-based offset of the offending token, in Unicode scalars.
    public var offset: Int { span.offset }
    /// The length of the offending token, in Unicode scalars.
    public var length: Int { span.length }

    public var description: String { "\(span.offset): \(message)" }
}
