/// What a place in a workflow expects an expression to give.
public enum ExpectedType: Sendable, Hashable {
    /// A guard (`when`), a track's `when` or a `choose` rule: true or false.
    case condition
    /// A `set` value for a field of this type; `null` is also accepted, to clear the field.
    case value(ValueType)
}
