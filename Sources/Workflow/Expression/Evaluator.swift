import Foundation

/// Evaluates expressions against a case's data, at a given instant, in a deployment's calendar.
///
/// Missing data is unknown, not false: a field the case lacks (or holds as null) makes what
/// uses it unknown, and logic is Kleene's (`false and unknown` is false, `true or unknown`
/// is true, `not unknown` is unknown); `exists(x)` is never unknown. Data that does not match
/// its declared type, a division by zero or a date out of range is a failure, never a crash.
public struct Evaluator: Sendable {
    /// Reads each field as its declared type.
    public let checker: TypeChecker
    /// The instant `now()` and `today()` refer to.
    public let now: Date
    /// The time zone of `today()`, `now()` and calendar days, and the holidays of business days.
    public let calendar: BusinessCalendar

    public init(fields: [String: ValueType], now: Date, calendar: BusinessCalendar = .french) {
        self.checker = TypeChecker(fields: fields)
        self.now = now
        self.calendar = calendar
    }

    /// Evaluates a condition (a guard, a track's `when`, a `choose` rule) on `data`, a JSON object.
    public func condition(_ expression: ExpressionNode, data: JSONValue) -> ConditionResult {
        var trace = EvaluationTrace()
        do {
            let outcome = try evaluate(expression, data: data, trace: &trace)
            switch try truth(outcome, of: expression) {
            case .known(true): return .true
            case .known(false): return .false
            case .unknown(let missing): return .unknown(missing: missing)
            }
        } catch {
            return .failure(error)
        }
    }

    /// Evaluates a `set` value on `data`, giving the JSON to write (`.null` clears the field).
    public func value(_ expression: ExpressionNode, data: JSONValue) -> ValueResult {
        if case .literal(.null) = expression.kind { return .value(.null) }
        var trace = EvaluationTrace()
        do {
            switch try evaluate(expression, data: data, trace: &trace) {
            case .unknown(let missing):
                return .unknown(missing: missing)
            case .known(let value):
                guard let json = value.json(in: calendar.timeZone) else {
                    return .failure(EvaluationFailure("the result is not a number", at: expression.span))
                }
                return .value(json)
            }
        } catch {
            return .failure(error)
        }
    }

    /// Resolves a `choose`: the first true rule wins unless an unknown rule comes before it; an
    /// unknown rule before any true one is missing data; when every rule is false, `otherwise`
    /// applies if there is one, else no rule matched, with the values each rule saw.
    public func choose(_ rules: [ExpressionNode], hasOtherwise: Bool, data: JSONValue) -> ChooseResult {
        var seen: [[String: JSONValue]] = []
        for (index, rule) in rules.enumerated() {
            var trace = EvaluationTrace()
            do {
                let outcome = try evaluate(rule, data: data, trace: &trace)
                switch try truth(outcome, of: rule) {
                case .known(true): return .rule(index)
                case .known(false): seen.append(trace.seen)
                case .unknown(let missing): return .missingData(rule: index, missing: missing)
                }
            } catch {
                return .failure(rule: index, error)
            }
        }
        return hasOtherwise ? .otherwise : .noRuleMatched(seen: seen)
    }

    /// Evaluates a condition and also returns the field values it read (a lacking field as null).
    public func conditionWithValues(_ expression: ExpressionNode, data: JSONValue)
        -> (result: ConditionResult, seen: [String: JSONValue])
    {
        var trace = EvaluationTrace()
        do {
            let outcome = try evaluate(expression, data: data, trace: &trace)
            switch try truth(outcome, of: expression) {
            case .known(true): return (.true, trace.seen)
            case .known(false): return (.false, trace.seen)
            case .unknown(let missing): return (.unknown(missing: missing), trace.seen)
            }
        } catch {
            return (.failure(error), trace.seen)
        }
    }
}
