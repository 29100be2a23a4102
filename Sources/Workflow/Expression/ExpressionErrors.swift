/// All the problems found in one expression, in the order of their position.
public struct ExpressionErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public let errors: [ExpressionError]

    public init(_ errors: [ExpressionError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
