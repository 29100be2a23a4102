import Foundation

/// A literal value written in an expression.
public enum ExpressionLiteral: Sendable, Hashable {
    case int(Int)
    case decimal(Decimal)
    case string(String)
    case bool(Bool)
    case date(CalendarDate)
    case duration(WorkflowDuration)
    /// Only as a whole `set` value, to clear the field.
    case null
}
