/// The type of a field or of an expression's value.
public indirect enum ValueType: Sendable, Hashable {
    case string
    case int
    /// Exact decimal; an int mixes with it freely and the result is a decimal.
    case decimal
    case bool
    /// A day, `"2026-01-31"` in JSON.
    case date
    /// An instant, RFC 3339 in JSON.
    case datetime
    /// Only written as a literal (`6mo`); no field holds one.
    case duration
    /// A string among `values`.
    case enumeration([String])
    /// A list whose elements have the given type.
    case list(ValueType)
    /// A reference to a document: `{type, issuer, sha256, name, size}`.
    case document
    /// The type of `null`, which only clears a field in `set`; also the element type of `[]`.
    case null

    /// The members of a document and their types; `field.issuer` reads one.
    public static let documentMembers: [String: ValueType] = [
        "type": .string, "issuer": .string, "sha256": .string, "name": .string, "size": .int,
    ]

    /// Whether the type is int or decimal.
    public var isNumeric: Bool { self == .int || self == .decimal }

    /// The allowed values when this is an enum.
    public var enumValues: [String]? {
        if case .enumeration(let values) = self { return values }
        return nil
    }
}

extension ValueType: CustomStringConvertible {
    /// The type's name as designers write it in `fields` (`int`, `enum`, `list of string`).
    public var description: String {
        switch self {
        case .string: return "string"
        case .int: return "int"
        case .decimal: return "decimal"
        case .bool: return "bool"
        case .date: return "date"
        case .datetime: return "datetime"
        case .duration: return "duration"
        case .enumeration: return "enum"
        case .list(let element): return element == .null ? "list" : "list of \(element)"
        case .document: return "document"
        case .null: return "null"
        }
    }

    /// The type's name with an article, for sentences: `an int`, `a date`, `null`.
    var withArticle: String {
        if self == .null { return "null" }
        let name = description
        return (["a", "e", "i", "o", "u"].contains(name.first.map(String.init) ?? "") ? "an " : "a ") + name
    }
}

extension ValueType {
    /// The common type two values are compared or listed under, or nil when they do not mix:
    /// int and decimal give decimal, an enum and a string give string, `null` (an empty list's
    /// elements) takes the other type.
    static func common(_ a: ValueType, _ b: ValueType) -> ValueType? {
        if a == b { return a }
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case (.int, .decimal), (.decimal, .int): return .decimal
        case (.enumeration, .string), (.string, .enumeration), (.enumeration, .enumeration): return .string
        case (.list(let x), .list(let y)): return common(x, y).map(ValueType.list)
        default: return nil
        }
    }

    /// Whether a value of type `self` may be written to a field of type `target`.
    func isAssignable(to target: ValueType) -> Bool {
        if self == target || self == .null { return true }
        switch (self, target) {
        case (.int, .decimal): return true
        case (.enumeration(let values), .enumeration(let allowed)): return Set(values).isSubset(of: Set(allowed))
        case (.enumeration, .string): return true
        case (.list(let element), .list(let targetElement)):
            return element == .null || element.isAssignable(to: targetElement)
        default: return false
        }
    }
}
