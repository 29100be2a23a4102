import Foundation

/// A parsed expression: a guard, a `set` value or a `choose` rule, with the position of every node.
public struct ExpressionNode: Sendable, Hashable {
    /// What the node is.
    public indirect enum Kind: Sendable, Hashable {
        case literal(ExpressionLiteral)
        /// A dotted field path (`usager.nir`), or a document's member (`justificatif.issuer`).
        case field(String)
        /// A list literal (`["a", "b"]`).
        case list([ExpressionNode])
        case unary(UnaryOperator, ExpressionNode)
        /// A binary operation; `operatorSpan` is where the operator itself is written.
        case binary(BinaryOperator, ExpressionNode, ExpressionNode, operatorSpan: ExpressionSpan)
        /// A call of one of the built-in functions; `nameSpan` is where its name is written.
        case call(BuiltinFunction, [ExpressionNode], nameSpan: ExpressionSpan)
    }

    public let kind: Kind
    /// Where the node is written, from its first to its last token, enclosing parentheses included.
    public let span: ExpressionSpan

    public init(_ kind: Kind, span: ExpressionSpan) {
        self.kind = kind
        self.span = span
    }
}
