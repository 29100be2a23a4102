/// Checks an expression against the workflow's `fields` and the type its place expects,
/// reporting every problem with the position of the offending token.
public struct TypeChecker: Sendable {
    /// The declared fields: dotted path -> type.
    public let fields: [String: ValueType]

    public init(fields: [String: ValueType]) {
        self.fields = fields
    }

    /// The problems of `expression` where `expected` is required; empty when it is well typed.
    public func check(_ expression: ExpressionNode, expecting expected: ExpectedType) -> [ExpressionError] {
        var errors: [ExpressionError] = []
        let type = infer(expression, isRoot: true, errors: &errors)
        if let type {
            checkResult(expression, type: type, expected: expected, errors: &errors)
        }
        return errors.sorted { ($0.span.offset, $0.span.length) < ($1.span.offset, $1.span.length) }
    }

    /// The type `expression` gives, or nil when it has a problem (`check` says which).
    public func type(of expression: ExpressionNode) -> ValueType? {
        var errors: [ExpressionError] = []
        let type = infer(expression, isRoot: true, errors: &errors)
        return errors.isEmpty ? type : nil
    }

    /// The type of a field path: a declared field, or a member of a declared document
    /// (`justificatif.issuer`); nil when the path names neither.
    public func resolve(_ path: String) -> ValueType? {
        if let type = fields[path] { return type }
        guard let dot = path.lastIndex(of: ".") else { return nil }
        let owner = String(path[..<dot])
        let member = String(path[path.index(after: dot)...])
        guard fields[owner] == .document else { return nil }
        return ValueType.documentMembers[member]
    }

    private func checkResult(_ expression: ExpressionNode, type: ValueType, expected: ExpectedType,
                             errors: inout [ExpressionError]) {
        switch expected {
        case .condition:
            guard type != .bool else { return }
            errors.append(ExpressionError(
                .resultType,
                "a condition must be true or false, but this gives \(type.withArticle); "
                    + "compare it with something, like 'carriere.trimestres > 0'",
                at: expression.span))
        case .value(let target):
            if conformsAsLiteral(expression, to: target, errors: &errors) { return }
            guard !type.isAssignable(to: target) else { return }
            var hint = ""
            if type == .datetime && target == .date { hint = "; use today() rather than now() for a date" }
            if type == .string, case .enumeration(let values) = target {
                hint = "; write one of its values in quotes: \(values.joined(separator: ", "))"
            }
            errors.append(ExpressionError(
                .resultType, "the field holds \(target.withArticle), but this gives \(type.withArticle)\(hint)",
                at: expression.span))
        }
    }

    /// Infers the type of a node, appending its problems; nil when the node itself is wrong, so that
    /// enclosing nodes do not report the same problem again.
    func infer(_ expression: ExpressionNode, isRoot: Bool = false, errors: inout [ExpressionError]) -> ValueType? {
        switch expression.kind {
        case .literal(let literal):
            return literalType(literal, at: expression.span, isRoot: isRoot, errors: &errors)
        case .field(let path):
            return fieldType(path, at: expression.span, errors: &errors)
        case .list(let elements):
            return listType(elements, errors: &errors)
        case .unary(let op, let operand):
            return unaryType(op, operand, at: expression.span, errors: &errors)
        case .binary(let op, let left, let right, let operatorSpan):
            return binaryType(op, left, right, operatorSpan: operatorSpan, errors: &errors)
        case .call(let function, let arguments, _):
            return callType(function, arguments, at: expression.span, errors: &errors)
        }
    }

    private func literalType(_ literal: ExpressionLiteral, at span: ExpressionSpan, isRoot: Bool,
                             errors: inout [ExpressionError]) -> ValueType? {
        switch literal {
        case .int: return .int
        case .decimal: return .decimal
        case .string: return .string
        case .bool: return .bool
        case .date: return .date
        case .duration: return .duration
        case .null:
            if isRoot { return .null }
            errors.append(ExpressionError(
                .typeMismatch, "null only clears a field, as the whole value of a 'set'; it cannot be used here",
                at: span))
            return nil
        }
    }

    private func fieldType(_ path: String, at span: ExpressionSpan, errors: inout [ExpressionError]) -> ValueType? {
        if let type = resolve(path) { return type }
        errors.append(unknownField(path, at: span))
        return nil
    }

    func unknownField(_ path: String, at span: ExpressionSpan) -> ExpressionError {
        if let dot = path.lastIndex(of: "."), fields[String(path[..<dot])] == .document {
            let owner = String(path[..<dot])
            let member = String(path[path.index(after: dot)...])
            let suggestion = Suggestion.didYouMean(member, among: ValueType.documentMembers.keys)
            return ExpressionError(
                .unknownField,
                "'\(owner)' is a document, and '\(member)' is not one of its members; "
                    + "a document has type, issuer, sha256, name and size\(suggestion)",
                at: span)
        }
        if let member = fields.keys.filter({ $0.hasPrefix(path + ".") }).sorted().first {
            return ExpressionError(
                .unknownField, "'\(path)' is a group of fields, not a field; name one of them, like '\(member)'",
                at: span)
        }
        if let suggestion = Suggestion.closest(to: path, among: fields.keys) {
            return ExpressionError(.unknownField, "unknown field '\(path)'; did you mean '\(suggestion)'?", at: span)
        }
        return ExpressionError(
            .unknownField, "unknown field '\(path)'; declare it under 'fields' or correct its name", at: span)
    }

    private func listType(_ elements: [ExpressionNode], errors: inout [ExpressionError]) -> ValueType? {
        var elementType: ValueType = .null
        var valid = true
        for element in elements {
            guard let type = infer(element, errors: &errors) else {
                valid = false
                continue
            }
            guard let common = ValueType.common(elementType, type) else {
                errors.append(ExpressionError(
                    .typeMismatch,
                    "a list holds values of one type, but this one mixes \(elementType) and \(type)",
                    at: element.span))
                valid = false
                continue
            }
            elementType = common
        }
        return valid ? .list(elementType) : nil
    }
}
