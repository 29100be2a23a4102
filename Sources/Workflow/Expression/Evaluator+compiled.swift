extension Evaluator {
    /// Evaluates a compiled condition; see `condition(_:data:)`.
    public func condition(_ expression: CompiledExpression, data: JSONValue) -> ConditionResult {
        condition(expression.syntax, data: data)
    }

    /// Evaluates a compiled `set` value; see `value(_:data:)`.
    public func value(_ expression: CompiledExpression, data: JSONValue) -> ValueResult {
        value(expression.syntax, data: data)
    }

    /// Resolves a `choose` of compiled rules; see `choose(_:hasOtherwise:data:)`.
    public func choose(_ rules: [CompiledExpression], hasOtherwise: Bool, data: JSONValue) -> ChooseResult {
        choose(rules.map(\.syntax), hasOtherwise: hasOtherwise, data: data)
    }
}
