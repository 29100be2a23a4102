/// An expression parsed and type-checked against a workflow's fields, ready to evaluate:
/// what the loader keeps for each guard, `set` value and `choose` rule.
public struct CompiledExpression: Sendable, Hashable {
    /// The text as written in the workflow file.
    public let source: String
    /// The syntax tree.
    public let syntax: ExpressionNode
    /// The type the expression gives.
    public let type: ValueType

    /// Parses and checks `source`; throws every problem found (a syntax error stops at the first).
    public init(_ source: String, fields: [String: ValueType], expecting expected: ExpectedType)
        throws(ExpressionErrors)
    {
        let syntax: ExpressionNode
        do {
            syntax = try ExpressionNode.parse(source)
        } catch {
            throw ExpressionErrors([error])
        }
        let checker = TypeChecker(fields: fields)
        let errors = checker.check(syntax, expecting: expected)
        guard errors.isEmpty, let type = checker.type(of: syntax) else { throw ExpressionErrors(errors) }
        self.source = source
        self.syntax = syntax
        self.type = type
    }

    /// The field paths the expression reads, each once, in the order written.
    public var fieldPaths: [String] { syntax.fieldPaths }
}
