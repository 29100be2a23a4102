import Foundation

extension WorkflowLoader {
    static let fieldKeys = ["type", "required", "pattern", "values", "of", "min", "max", "description", "label", "visible_to", "editable_by"]

    mutating func readFields(_ node: YAMLNode) -> [FieldSpec] {
        readNamed(reader.namedEntries(node, what: "'fields'")) { loader, entry in loader.readField(entry) }
    }

    mutating func readField(_ entry: YAMLMappingEntry) -> FieldSpec? {
        let what = "field '\(entry.key)'"
        guard Identifier.isFieldPath(entry.key) else {
            reader.error("field name '\(entry.key)' is not a dotted path; write names of unaccented letters, digits and '_' joined by '.', such as 'usager.date_naissance'", at: entry.keyLocation)
            return nil
        }
        guard let entries = reader.mapping(entry.value, what: what, allowed: Self.fieldKeys) else { return nil }
        let keys = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        guard let typeEntry = keys["type"] else {
            reader.error("\(what) has no 'type'; add one of: \(FieldType.names.joined(separator: ", "))", at: entry.keyLocation)
            return nil
        }
        guard let type = readFieldType(typeEntry.value, keys: keys, what: what) else { return nil }

        let pattern = keys["pattern"].flatMap { reader.string($0.value, what: "'pattern'") }
        if let pattern {
            if !Self.acceptsPattern(type) {
                reader.error("'pattern' applies to string fields, but \(what) is \(type)", at: pattern.location)
            } else if let problem = FieldPattern.problem(in: pattern.value) {
                reader.error("'pattern' is not a valid regular expression: \(problem)", at: pattern.location)
            }
        }
        let minimum = keys["min"].flatMap { readBound($0.value, type: type, what: "'min'") }
        let maximum = keys["max"].flatMap { readBound($0.value, type: type, what: "'max'") }
        if keys["values"] != nil, !Self.hasEnum(type) {
            reader.error("'values' applies to enum fields (or lists of enum), but \(what) is \(type)", at: keys["values"]!.keyLocation)
        }
        if keys["of"] != nil, case .list = type {} else if let of = keys["of"] {
            reader.error("'of' applies to list fields, but \(what) is \(type)", at: of.keyLocation)
        }
        return FieldSpec(
            path: Located(entry.key, at: entry.keyLocation), type: type,
            required: keys["required"].flatMap { reader.bool($0.value, what: "'required'") } ?? false,
            pattern: pattern, minimum: minimum, maximum: maximum,
            description: keys["description"].flatMap { reader.string($0.value, what: "'description'")?.value },
            label: keys["label"].flatMap { reader.label($0.value, what: "the 'label' of \(what)") },
            visibleTo: keys["visible_to"].map { readSubjects($0.value, what: "'visible_to'") } ?? [],
            editableBy: keys["editable_by"].map { readSubjects($0.value, what: "'editable_by'") } ?? [])
    }

    private mutating func readFieldType(_ node: YAMLNode, keys: [String: YAMLMappingEntry], what: String) -> FieldType? {
        guard let name = reader.string(node, what: "'type'") else { return nil }
        if name.value == "list" {
            guard let of = keys["of"] else {
                reader.error("list \(what) has no 'of'; say what its items are, such as 'of: string' or 'of: enum' with 'values'", at: node.location)
                return nil
            }
            if of.value.scalar?.value == "list" {
                reader.error("lists of lists are not supported; use a list of documents or of strings", at: of.value.location)
                return nil
            }
            guard let element = readFieldType(of.value, keys: keys, what: what) else { return nil }
            return .list(of: element)
        }
        switch name.value {
        case "string": return .string
        case "int": return .int
        case "decimal": return .decimal
        case "bool": return .bool
        case "date": return .date
        case "datetime": return .datetime
        case "document": return .document
        case "enum":
            guard let valuesEntry = keys["values"] else {
                reader.error("enum \(what) has no 'values'; list the allowed values, such as 'values: [a, b]'", at: node.location)
                return nil
            }
            let values = reader.stringList(valuesEntry.value, what: "'values'")
            var seen = Set<String>()
            for value in values where !seen.insert(value.value).inserted {
                reader.error("'\(value.value)' is listed twice in 'values'", at: value.location)
            }
            if values.isEmpty {
                reader.error("'values' is empty; list at least one allowed value", at: valuesEntry.value.location)
            }
            return .enumeration(values: values.map(\.value))
        default:
            var message = "unknown type '\(name.value)' for \(what)"
            if let close = Suggestion.closest(to: name.value, among: FieldType.names) {
                message += "; did you mean '\(close)'?"
            } else {
                message += "; use one of: \(FieldType.names.joined(separator: ", "))"
            }
            reader.error(message, at: node.location)
            return nil
        }
    }

    /// `min` and `max`: a number for numbers, a date for dates, a length for strings and lists.
    private mutating func readBound(_ node: YAMLNode, type: FieldType, what: String) -> Located<String>? {
        guard let text = reader.string(node, what: what) else { return nil }
        let valid: Bool
        switch type {
        case .int, .string, .list: valid = Int(text.value) != nil
        case .decimal: valid = Decimal(string: text.value) != nil && text.value.allSatisfy { "0123456789.-".contains($0) }
        case .date: valid = CalendarDate(text.value) != nil
        default:
            reader.error("\(what) applies to numbers, dates, strings (length) and lists (count), not to \(type)", at: node.location)
            return nil
        }
        guard valid else {
            let expected = type == .date ? "a date such as 2026-01-31" : (type == .decimal ? "a number" : "a whole number")
            reader.error("\(what) must be \(expected), found '\(text.value)'", at: node.location)
            return nil
        }
        return text
    }

    private mutating func readSubjects(_ node: YAMLNode, what: String) -> [Located<AccessSubject>] {
        reader.stringList(node, what: what).map { Located(AccessSubject(parsing: $0.value), at: $0.location) }
    }

    static func acceptsPattern(_ type: FieldType) -> Bool {
        switch type {
        case .string, .list(of: .string): true
        default: false
        }
    }

    static func hasEnum(_ type: FieldType) -> Bool {
        switch type {
        case .enumeration, .list(of: .enumeration): true
        default: false
        }
    }
}
