import Foundation

/// A value during evaluation, typed as the field table and the literals say.
enum ExpressionValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case decimal(Decimal)
    /// Strings and enum values alike.
    case string(String)
    case date(CalendarDate)
    case datetime(Date)
    case duration(WorkflowDuration)
    case list([ExpressionValue])
    case document([String: JSONValue])

    /// The value's type name, for messages.
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .decimal: return "decimal"
        case .string: return "string"
        case .date: return "date"
        case .datetime: return "datetime"
        case .duration: return "duration"
        case .list: return "list"
        case .document: return "document"
        }
    }

    /// The number as a Decimal when the value is an int or a decimal.
    var decimalValue: Decimal? {
        switch self {
        case .int(let value): return Decimal(value)
        case .decimal(let value): return value
        default: return nil
        }
    }

    /// The value as JSON, in the case data's representation of its type.
    func json(in timeZone: TimeZone) -> JSONValue? {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let value): return .number(JSONNumber(value))
        case .decimal(let value): return JSONNumber(value).map(JSONValue.number)
        case .string(let text): return .string(text)
        case .date(let day): return .string(day.description)
        case .datetime(let instant): return .string(RFC3339.format(instant, in: timeZone))
        case .duration(let duration): return .string(duration.description)
        case .list(let elements):
            var array: [JSONValue] = []
            for element in elements {
                guard let json = element.json(in: timeZone) else { return nil }
                array.append(json)
            }
            return .array(array)
        case .document(let members): return .object(members)
        }
    }
}
