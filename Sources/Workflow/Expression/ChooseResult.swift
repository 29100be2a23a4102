/// The outcome of an auto state's `choose`, by the brief's rules.
public enum ChooseResult: Sendable, Hashable {
    /// This rule (0-based) is the first true one, and no rule before it was unknown.
    case rule(Int)
    /// Every rule was false and the state has an `otherwise`.
    case otherwise
    /// This rule was unknown before any rule was true: escalate as `missing-data` with these fields.
    case missingData(rule: Int, missing: [String])
    /// Every rule was false and there is no `otherwise`: escalate as `no-rule-matched`.
    /// `seen` has one entry per rule, the field values it read (path -> value; a field the case
    /// lacks is shown as null), so a person can see why nothing matched.
    case noRuleMatched(seen: [[String: JSONValue]])
    /// This rule could not be evaluated: escalate as `action-failed` with the message.
    case failure(rule: Int, EvaluationFailure)
}
