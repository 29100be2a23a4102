/// `not` and unary minus.
public enum UnaryOperator: String, Sendable, Hashable {
    case not = "not"
    case negate = "-"
}
