/// The binary operators, by their written form.
public enum BinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in`, contains
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    /// Whether the operator compares two values and gives a condition.
    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .contains: return true
        default: return false
        }
    }
}
