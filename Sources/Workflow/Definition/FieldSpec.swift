/// A piece of case data the workflow knows about (`fields:`), named by a dotted path.
public struct FieldSpec: Sendable {
    public var path: Located<String>
    public var type: FieldType
    public var required: Bool
    public var pattern: Located<String>?
    public var minimum: Located<String>?
    public var maximum: Located<String>?
    public var description: String?
    /// The field's name for people (`label:`); pages show the path when there is none.
    public var label: String?
    /// Who may see the field; empty means every agency of the workflow.
    public var visibleTo: [Located<AccessSubject>]
    /// Who may change the field; empty means every agency of the workflow.
    public var editableBy: [Located<AccessSubject>]

    public init(path: Located<String>, type: FieldType, required: Bool = false, pattern: Located<String>? = nil,
                minimum: Located<String>? = nil, maximum: Located<String>? = nil, description: String? = nil,
                label: String? = nil, visibleTo: [Located<AccessSubject>] = [], editableBy: [Located<AccessSubject>] = []) {
        self.path = path
        self.type = type
        self.required = required
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.description = description
        self.label = label
        self.visibleTo = visibleTo
        self.editableBy = editableBy
    }
}

/// The type of a field, as `type:` (with `of:` and `values:`) declares it.
public indirect enum FieldType: Hashable, Sendable, CustomStringConvertible {
    case string
    case int
    case decimal
    case bool
    case date
    case datetime
    case enumeration(values: [String])
    case list(of: FieldType)
    case document

    /// The names `type:` and `of:` accept.
    public static let names = ["string", "int", "decimal", "bool", "date", "datetime", "enum", "list", "document"]

    public var description: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .decimal: "decimal"
        case .bool: "bool"
        case .date: "date"
        case .datetime: "datetime"
        case .enumeration: "enum"
        case .list(let element): "list of \(element)"
        case .document: "document"
        }
    }
}

/// An agency, or a role written `role:ID`, in `visible_to`, `editable_by`.
public enum AccessSubject: Hashable, Sendable, CustomStringConvertible {
    case agency(String)
    case role(String)

    /// The party `usager`: in `editable_by`, the person provides the field through the portal.
    public static let citizen = "usager"

    public init(parsing text: String) {
        if text.hasPrefix("role:") {
            self = .role(String(text.dropFirst("role:".count)))
        } else {
            self = .agency(text)
        }
    }

    public var description: String {
        switch self {
        case .agency(let id): id
        case .role(let id): "role:\(id)"
        }
    }
}
