/// The outcome of a condition (a guard, a track's `when`) under Kleene's three-valued logic.
public enum ConditionResult: Sendable, Hashable {
    case `true`
    case `false`
    /// The data lacks fields the condition needs; `missing` names them, in the order they are written.
    case unknown(missing: [String])
    /// The condition could not be evaluated (bad data, division by zero).
    case failure(EvaluationFailure)
}
