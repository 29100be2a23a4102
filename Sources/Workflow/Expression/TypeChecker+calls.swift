extension TypeChecker {
    func callType(_ function: BuiltinFunction, _ arguments: [ExpressionNode], at span: ExpressionSpan,
                  errors: inout [ExpressionError]) -> ValueType? {
        guard arguments.count == function.arity else {
            let takes = function.arity == 0 ? "takes no value; write \(function.usage)"
                : "takes one value, like \(function.usage)"
            errors.append(ExpressionError(.arguments, "\(function.rawValue)() \(takes)", at: span))
            return nil
        }
        switch function {
        case .today: return .date
        case .now: return .datetime
        case .exists:
            guard case .field(let path) = arguments[0].kind else {
                errors.append(ExpressionError(
                    .arguments, "exists() takes a field path, like \(function.usage)", at: arguments[0].span))
                return .bool
            }
            if resolve(path) == nil { errors.append(unknownField(path, at: arguments[0].span)) }
            return .bool
        case .len:
            guard let type = infer(arguments[0], errors: &errors) else { return .int }
            if case .list = type { return .int }
            if type == .string { return .int }
            errors.append(ExpressionError(
                .arguments, "len() counts the elements of a list or the characters of a string, not \(type.withArticle)",
                at: arguments[0].span))
            return .int
        }
    }
}
