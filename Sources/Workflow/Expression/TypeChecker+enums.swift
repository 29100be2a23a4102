extension TypeChecker {
    /// The field an enum value comes from, for messages: its path when `expression` is a field.
    func enumOwner(_ expression: ExpressionNode) -> String? {
        if case .field(let path) = expression.kind { return path }
        return nil
    }

    /// Reports a string literal that is not among `values`, naming them and the closest one.
    func checkEnumLiteral(_ expression: ExpressionNode, values: [String], owner: String?, errors: inout [ExpressionError]) {
        guard case .literal(.string(let text)) = expression.kind, !values.contains(text) else { return }
        let subject = owner.map { "a value of '\($0)'" } ?? "one of the allowed values"
        let suggestion = Suggestion.didYouMean(text, among: values)
        errors.append(ExpressionError(
            .enumValue,
            "'\(text)' is not \(subject); the values are: \(values.joined(separator: ", "))\(suggestion)",
            at: expression.span))
    }

    /// Checks `enum == "literal"` in either order.
    func checkEnumComparison(_ left: ExpressionNode, _ leftType: ValueType, _ right: ExpressionNode, _ rightType: ValueType,
                             errors: inout [ExpressionError]) {
        if case .enumeration(let values) = leftType {
            checkEnumLiteral(right, values: values, owner: enumOwner(left), errors: &errors)
        }
        if case .enumeration(let values) = rightType {
            checkEnumLiteral(left, values: values, owner: enumOwner(right), errors: &errors)
        }
        // A list of enum compared with a list literal: each string literal must be a value.
        for (listType, listSide, literalSide) in [(leftType, left, right), (rightType, right, left)] {
            guard case .list(.enumeration(let values)) = listType, case .list(let elements) = literalSide.kind
            else { continue }
            let owner = enumOwner(listSide)
            for element in elements {
                checkEnumLiteral(element, values: values, owner: owner, errors: &errors)
            }
        }
    }

    /// For a `set` value written as a string literal (or a list of them) for an enum field:
    /// checks each literal against the values and returns true, so the string type is accepted.
    func conformsAsLiteral(_ expression: ExpressionNode, to target: ValueType, errors: inout [ExpressionError]) -> Bool {
        switch (target, expression.kind) {
        case (.enumeration(let values), .literal(.string)):
            checkEnumLiteral(expression, values: values, owner: nil, errors: &errors)
            return true
        case (.list(.enumeration(let values)), .list(let elements)):
            var scratch: [ExpressionError] = []
            let allStrings = elements.allSatisfy { element in
                if case .literal(.string) = element.kind { return true }
                let type = infer(element, errors: &scratch)
                return type.map { $0.isAssignable(to: .enumeration(values)) } ?? true
            }
            guard allStrings else { return false }
            for element in elements {
                checkEnumLiteral(element, values: values, owner: nil, errors: &errors)
            }
            return true
        default:
            return false
        }
    }
}
