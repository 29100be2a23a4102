import Foundation

extension Evaluator {
    func evaluate(_ expression: ExpressionNode, data: JSONValue, trace: inout EvaluationTrace)
        throws(EvaluationFailure) -> EvaluationOutcome
    {
        switch expression.kind {
        case .literal(let literal):
            return .known(literalValue(literal))
        case .field(let path):
            return try readField(path, data: data, at: expression.span, trace: &trace)
        case .list(let elements):
            var values: [ExpressionValue] = []
            var missing: [String] = []
            for element in elements {
                switch try evaluate(element, data: data, trace: &trace) {
                case .known(let value): values.append(value)
                case .unknown(let fields): missing = Self.mergeMissing(missing, fields)
                }
            }
            return missing.isEmpty ? .known(.list(values)) : .unknown(missing)
        case .unary(.not, let operand):
            switch try truth(try evaluate(operand, data: data, trace: &trace), of: operand) {
            case .known(let flag): return .known(.bool(!flag))
            case .unknown(let missing): return .unknown(missing)
            }
        case .unary(.negate, let operand):
            switch try evaluate(operand, data: data, trace: &trace) {
            case .unknown(let missing): return .unknown(missing)
            case .known(let value): return .known(try negate(value, at: expression.span))
            }
        case .binary(.and, let left, let right, _):
            return try kleene(isAnd: true, left, right, data: data, trace: &trace)
        case .binary(.or, let left, let right, _):
            return try kleene(isAnd: false, left, right, data: data, trace: &trace)
        case .binary(let op, let left, let right, let operatorSpan):
            let leftOutcome = try evaluate(left, data: data, trace: &trace)
            let rightOutcome = try evaluate(right, data: data, trace: &trace)
            guard case .known(let leftValue) = leftOutcome, case .known(let rightValue) = rightOutcome else {
                return .unknown(Self.mergeMissing(missing(of: leftOutcome), missing(of: rightOutcome)))
            }
            return .known(try apply(op, leftValue, rightValue, at: operatorSpan))
        case .call(let function, let arguments, _):
            return try call(function, arguments, data: data, at: expression.span, trace: &trace)
        }
    }

    private func missing(of outcome: EvaluationOutcome) -> [String] {
        if case .unknown(let missing) = outcome { return missing }
        return []
    }

    func truth(_ outcome: EvaluationOutcome, of expression: ExpressionNode) throws(EvaluationFailure) -> KleeneTruth {
        switch outcome {
        case .known(.bool(let flag)): return .known(flag)
        case .unknown(let missing): return .unknown(missing)
        case .known(let other):
            throw EvaluationFailure("expected true or false, found \(other.typeName)", at: expression.span)
        }
    }

    /// `and` / `or` by Kleene: the right side is not evaluated when the left decides alone.
    private func kleene(isAnd: Bool, _ left: ExpressionNode, _ right: ExpressionNode, data: JSONValue,
                        trace: inout EvaluationTrace) throws(EvaluationFailure) -> EvaluationOutcome {
        // For `and` a false side decides; for `or` a true side decides.
        let decisive = !isAnd
        let leftTruth = try truth(try evaluate(left, data: data, trace: &trace), of: left)
        if leftTruth == .known(decisive) { return .known(.bool(decisive)) }
        let rightTruth = try truth(try evaluate(right, data: data, trace: &trace), of: right)
        if rightTruth == .known(decisive) { return .known(.bool(decisive)) }
        switch (leftTruth, rightTruth) {
        case (.known, .known): return .known(.bool(!decisive))
        case (.unknown(let missing), .known), (.known, .unknown(let missing)): return .unknown(missing)
        case (.unknown(let first), .unknown(let second)): return .unknown(Self.mergeMissing(first, second))
        }
    }

    private func literalValue(_ literal: ExpressionLiteral) -> ExpressionValue {
        switch literal {
        case .int(let value): return .int(value)
        case .decimal(let value): return .decimal(value)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .date(let day): return .date(day)
        case .duration(let duration): return .duration(duration)
        case .null: return .null
        }
    }

    private func call(_ function: BuiltinFunction, _ arguments: [ExpressionNode], data: JSONValue, at span: ExpressionSpan,
                      trace: inout EvaluationTrace) throws(EvaluationFailure) -> EvaluationOutcome {
        guard arguments.count == function.arity else {
            throw EvaluationFailure("\(function.rawValue)() takes \(function.arity) value(s)", at: span)
        }
        switch function {
        case .today:
            guard let day = CalendarDate(now, in: calendar.timeZone) else {
                throw EvaluationFailure("today is outside the calendar (years 1 to 9999)", at: span)
            }
            return .known(.date(day))
        case .now:
            return .known(.datetime(now))
        case .exists:
            guard case .field(let path) = arguments[0].kind else {
                throw EvaluationFailure("exists() takes a field path", at: arguments[0].span)
            }
            let found = data.value(at: path) ?? .null
            trace.seen[path] = found
            return .known(.bool(!found.isNull))
        case .len:
            switch try evaluate(arguments[0], data: data, trace: &trace) {
            case .unknown(let missing): return .unknown(missing)
            case .known(.list(let elements)): return .known(.int(elements.count))
            case .known(.string(let text)): return .known(.int(text.count))
            case .known(let other):
                throw EvaluationFailure("len() counts a list or a string, not \(other.typeName)", at: arguments[0].span)
            }
        }
    }
}
