/// The outcome of a `set` value.
public enum ValueResult: Sendable, Hashable {
    /// The JSON to write: a date as `"YYYY-MM-DD"`, a datetime as RFC 3339 with its offset,
    /// a decimal exact; `.null` clears the field.
    case value(JSONValue)
    /// The data lacks fields the value needs.
    case unknown(missing: [String])
    /// The value could not be computed (bad data, division by zero, a date out of range).
    case failure(EvaluationFailure)
}
