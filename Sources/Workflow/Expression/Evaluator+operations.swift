import Foundation

extension Evaluator {
    func apply(_ op: BinaryOperator, _ left: ExpressionValue, _ right: ExpressionValue, at span: ExpressionSpan)
        throws(EvaluationFailure) -> ExpressionValue
    {
        switch op {
        case .equal: return .bool(try Evaluator.equal(left, right, at: span))
        case .notEqual: return .bool(!(try Evaluator.equal(left, right, at: span)))
        case .less: return .bool(try Evaluator.order(left, right, at: span) < 0)
        case .lessOrEqual: return .bool(try Evaluator.order(left, right, at: span) <= 0)
        case .greater: return .bool(try Evaluator.order(left, right, at: span) > 0)
        case .greaterOrEqual: return .bool(try Evaluator.order(left, right, at: span) >= 0)
        case .in: return .bool(try Evaluator.contains(right, left, at: span))
        case .contains: return .bool(try Evaluator.contains(left, right, at: span))
        case .add, .subtract, .multiply, .divide: return try arithmetic(op, left, right, at: span)
        case .and, .or: throw EvaluationFailure("'\(op.rawValue)' is evaluated by Kleene's logic", at: span)
        }
    }

    static func equal(_ left: ExpressionValue, _ right: ExpressionValue, at span: ExpressionSpan)
        throws(EvaluationFailure) -> Bool
    {
        if let a = left.decimalValue, let b = right.decimalValue { return a == b }
        switch (left, right) {
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !(try equal(x, y, at: span)) { return false }
            return true
        case (.null, .null), (.bool, .bool), (.string, .string), (.date, .date), (.datetime, .datetime),
             (.duration, .duration), (.document, .document):
            return left == right
        default:
            throw EvaluationFailure("cannot compare \(left.typeName) with \(right.typeName)", at: span)
        }
    }

    /// -1, 0 or 1 as `left` is before, equal to or after `right`.
    static func order(_ left: ExpressionValue, _ right: ExpressionValue, at span: ExpressionSpan)
        throws(EvaluationFailure) -> Int
    {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        if case .int(let a) = left, case .int(let b) = right { return sign(a, b) }
        if let a = left.decimalValue, let b = right.decimalValue { return sign(a, b) }
        switch (left, right) {
        case (.date(let a), .date(let b)): return sign(a, b)
        case (.datetime(let a), .datetime(let b)): return sign(a, b)
        default:
            throw EvaluationFailure("cannot order \(left.typeName) and \(right.typeName)", at: span)
        }
    }

    static func contains(_ list: ExpressionValue, _ element: ExpressionValue, at span: ExpressionSpan)
        throws(EvaluationFailure) -> Bool
    {
        guard case .list(let elements) = list else {
            throw EvaluationFailure("expected a list, found \(list.typeName)", at: span)
        }
        for candidate in elements where try equal(candidate, element, at: span) { return true }
        return false
    }

    func negate(_ value: ExpressionValue, at span: ExpressionSpan) throws(EvaluationFailure) -> ExpressionValue {
        switch value {
        case .int(let number):
            guard number != Int.min else { throw EvaluationFailure("the number is too large", at: span) }
            return .int(-number)
        case .decimal(let number): return .decimal(-number)
        default: throw EvaluationFailure("cannot negate \(value.typeName)", at: span)
        }
    }

    private func arithmetic(_ op: BinaryOperator, _ left: ExpressionValue, _ right: ExpressionValue, at span: ExpressionSpan)
        throws(EvaluationFailure) -> ExpressionValue
    {
        switch (left, right) {
        case (.int(let a), .int(let b)) where op != .divide:
            let (result, overflow): (Int, Bool)
            switch op {
            case .add: (result, overflow) = a.addingReportingOverflow(b)
            case .subtract: (result, overflow) = a.subtractingReportingOverflow(b)
            default: (result, overflow) = a.multipliedReportingOverflow(by: b)
            }
            guard !overflow else { throw EvaluationFailure("the number is too large", at: span) }
            return .int(result)
        case (.date(let day), .duration(let duration)):
            return .date(try moved(day, by: duration, forward: op == .add, op: op, at: span))
        case (.duration(let duration), .date(let day)) where op == .add:
            return .date(try moved(day, by: duration, forward: true, op: op, at: span))
        case (.datetime(let instant), .duration(let duration)):
            return .datetime(try moved(instant, by: duration, forward: op == .add, op: op, at: span))
        case (.duration(let duration), .datetime(let instant)) where op == .add:
            return .datetime(try moved(instant, by: duration, forward: true, op: op, at: span))
        default:
            break
        }
        guard let a = left.decimalValue, let b = right.decimalValue else {
            throw EvaluationFailure("cannot apply '\(op.rawValue)' to \(left.typeName) and \(right.typeName)", at: span)
        }
        let result: Decimal
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        default:
            guard !b.isZero else { throw EvaluationFailure("division by zero", at: span) }
            result = a / b
        }
        guard !result.isNaN else { throw EvaluationFailure("the number is too large", at: span) }
        return .decimal(result)
    }

    private func moved(_ day: CalendarDate, by duration: WorkflowDuration, forward: Bool, op: BinaryOperator,
                       at span: ExpressionSpan) throws(EvaluationFailure) -> CalendarDate {
        guard op == .add || op == .subtract else {
            throw EvaluationFailure("cannot apply '\(op.rawValue)' to a date", at: span)
        }
        do {
            return forward ? try duration.added(to: day, in: calendar) : try duration.subtracted(from: day, in: calendar)
        } catch {
            throw EvaluationFailure(error.message, at: span)
        }
    }

    private func moved(_ instant: Date, by duration: WorkflowDuration, forward: Bool, op: BinaryOperator,
                       at span: ExpressionSpan) throws(EvaluationFailure) -> Date {
        guard op == .add || op == .subtract else {
            throw EvaluationFailure("cannot apply '\(op.rawValue)' to a datetime", at: span)
        }
        do {
            return forward
                ? try duration.added(to: instant, in: calendar) : try duration.subtracted(from: instant, in: calendar)
        } catch {
            throw EvaluationFailure(error.message, at: span)
        }
    }
}
