import Foundation

extension CaseDataValidator {
    /// The problems of a non-null value of a declared field, by the field's type and bounds.
    func check(_ value: JSONValue, spec: FieldSpec, path: String) -> [Problem] {
        if case .list(let element) = spec.type {
            guard let items = value.arrayValue else {
                return [Problem(path: path, reason: "expected a list of \(element), found \(value.serialized())")]
            }
            var problems: [Problem] = []
            for (index, item) in items.enumerated() {
                if let reason = itemProblem(item, type: element, pattern: spec.pattern?.value) {
                    problems.append(Problem(path: path, reason: "item \(index + 1): \(reason)"))
                }
            }
            if let reason = boundProblem(count: items.count, spec: spec, what: "items") {
                problems.append(Problem(path: path, reason: reason))
            }
            return problems
        }
        if let reason = itemProblem(value, type: spec.type, pattern: spec.pattern?.value) {
            return [Problem(path: path, reason: reason)]
        }
        if let reason = boundProblem(value, spec: spec) {
            return [Problem(path: path, reason: reason)]
        }
        return []
    }

    /// Why a single value (a field's, or one item of a list) does not have `type`, or nil.
    private func itemProblem(_ value: JSONValue, type: FieldType, pattern: String?) -> String? {
        let found = value.serialized()
        // PostgreSQL's jsonb cannot hold a NUL character: refuse it here, with the field.
        if found.contains("\\u0000") { return "contains a NUL character (\\u0000), which cannot be stored" }
        switch type {
        case .string:
            guard let text = value.stringValue else { return "expected a string, found \(found)" }
            if let pattern, !patterns.matches(text, pattern: pattern) {
                return "'\(text)' does not match the pattern \(pattern)"
            }
            return nil
        case .int:
            guard let number = value.numberValue, number.isWhole, number.int != nil else {
                return "expected a whole number, found \(found)"
            }
            return nil
        case .decimal:
            return Self.decimal(value) == nil ? "expected a number, or a string of digits like \"1234.56\", found \(found)" : nil
        case .bool:
            return value.boolValue == nil ? "expected true or false, found \(found)" : nil
        case .date:
            return value.stringValue.flatMap(CalendarDate.init) == nil
                ? "expected a date written \"YYYY-MM-DD\", like \"2026-01-31\", found \(found)" : nil
        case .datetime:
            return value.stringValue.flatMap(RFC3339.parse) == nil
                ? "expected an RFC 3339 datetime, like \"2026-01-31T09:30:00+01:00\", found \(found)" : nil
        case .enumeration(let values):
            guard let text = value.stringValue else { return "expected one of \(values.joined(separator: ", ")), found \(found)" }
            guard values.contains(text) else {
                var reason = "'\(text)' is not one of the values"
                if let close = Suggestion.closest(to: text, among: values) { reason += "; did you mean '\(close)'?" }
                return reason + " (\(values.joined(separator: ", ")))"
            }
            return nil
        case .list:
            return "lists of lists are not supported, found \(found)"
        case .document:
            return documentProblem(value)
        }
    }

    /// Why a value is not a document `{type, issuer, sha256, name, size}`, every reason at
    /// once, or nil.
    private func documentProblem(_ value: JSONValue) -> String? {
        let expected = "a document {type, issuer, sha256, name, size}"
        guard let members = value.objectValue else { return "expected \(expected), found \(value.serialized())" }
        let allowed: Set<String> = ["type", "issuer", "sha256", "name", "size"]
        var problems = members.keys.sorted().filter { !allowed.contains($0) }.map { "'\($0)' is not a member of \(expected)" }
        for key in ["type", "issuer", "sha256", "name"] {
            guard let text = members[key]?.stringValue, !text.isEmpty else {
                problems.append("\(expected) needs '\(key)' as a non-empty string")
                continue
            }
            if key == "sha256", text.count != 64 || !text.allSatisfy(\.isHexDigit) {
                problems.append("'sha256' must be 64 hexadecimal digits, found '\(text)'")
            }
        }
        if members["size"]?.numberValue?.int.map({ $0 >= 0 }) != true {
            problems.append("\(expected) needs 'size' as a whole number of bytes")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Why a value breaks the field's `min` or `max`, or nil.
    private func boundProblem(_ value: JSONValue, spec: FieldSpec) -> String? {
        switch spec.type {
        case .int:
            guard let number = value.numberValue?.int else { return nil }
            return compare(number, spec: spec, parse: { Int($0) }, describe: String.init)
        case .decimal:
            guard let number = Self.decimal(value) else { return nil }
            return compare(number, spec: spec, parse: { Decimal(string: $0) }, describe: { "\($0)" })
        case .date:
            guard let day = value.stringValue.flatMap(CalendarDate.init) else { return nil }
            return compare(day, spec: spec, parse: { CalendarDate($0) }, describe: { "\($0)" })
        case .string:
            guard let text = value.stringValue else { return nil }
            return boundProblem(count: text.count, spec: spec, what: "characters")
        default:
            return nil
        }
    }

    /// Why a length (of a string, in characters, or of a list, in items) is out of bounds, or nil.
    private func boundProblem(count: Int, spec: FieldSpec, what: String) -> String? {
        if let minimum = spec.minimum.flatMap({ Int($0.value) }), count < minimum {
            return "has \(count) \(what), fewer than the minimum of \(minimum)"
        }
        if let maximum = spec.maximum.flatMap({ Int($0.value) }), count > maximum {
            return "has \(count) \(what), more than the maximum of \(maximum)"
        }
        return nil
    }

    private func compare<T: Comparable>(_ value: T, spec: FieldSpec, parse: (String) -> T?,
                                        describe: (T) -> String) -> String? {
        if let minimum = spec.minimum.flatMap({ parse($0.value) }), value < minimum {
            return "\(describe(value)) is below the minimum of \(describe(minimum))"
        }
        if let maximum = spec.maximum.flatMap({ parse($0.value) }), value > maximum {
            return "\(describe(value)) is above the maximum of \(describe(maximum))"
        }
        return nil
    }

    /// A decimal's exact value: a JSON number, or a string of digits (`"1234.56"`, `"-3"`).
    static func decimal(_ value: JSONValue) -> Decimal? {
        if let number = value.numberValue { return number.decimal }
        return value.stringValue.flatMap(Evaluator.decimal(fromDigits:))
    }
}
