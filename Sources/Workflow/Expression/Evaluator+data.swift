import Foundation

extension Evaluator {
    /// Reads a field from the case data as its declared type; absent or null is unknown.
    func readField(_ path: String, data: JSONValue, at span: ExpressionSpan, trace: inout EvaluationTrace)
        throws(EvaluationFailure) -> EvaluationOutcome
    {
        guard let type = checker.resolve(path) else {
            throw EvaluationFailure("unknown field '\(path)'", at: span)
        }
        guard let json = data.value(at: path), !json.isNull else {
            trace.seen[path] = .null
            return .unknown([path])
        }
        trace.seen[path] = json
        return .known(try convert(json, to: type, field: path, at: span))
    }

    /// The runtime value of a field's JSON, or a failure naming the field when it does not
    /// match the declared type.
    func convert(_ json: JSONValue, to type: ValueType, field: String, at span: ExpressionSpan)
        throws(EvaluationFailure) -> ExpressionValue
    {
        func mismatch(_ expected: String) -> EvaluationFailure {
            EvaluationFailure("field '\(field)' holds \(json.serialized()), which is not \(expected); correct the case data",
                              at: span)
        }
        switch type {
        case .string:
            guard let text = json.stringValue else { throw mismatch("a string") }
            return .string(text)
        case .int:
            guard let value = json.numberValue?.int else { throw mismatch("an int") }
            return .int(value)
        case .decimal:
            if let number = json.numberValue {
                guard let value = number.decimal else { throw mismatch("a decimal of at most 38 digits") }
                return .decimal(value)
            }
            guard let text = json.stringValue, let value = Evaluator.decimal(fromDigits: text) else {
                throw mismatch("a decimal")
            }
            return .decimal(value)
        case .bool:
            guard let flag = json.boolValue else { throw mismatch("true or false") }
            return .bool(flag)
        case .date:
            guard let day = json.stringValue.flatMap(CalendarDate.init) else { throw mismatch("a date like \"2026-01-31\"") }
            return .date(day)
        case .datetime:
            guard let instant = json.stringValue.flatMap(RFC3339.parse) else {
                throw mismatch("an RFC 3339 datetime like \"2026-01-31T09:30:00+01:00\"")
            }
            return .datetime(instant)
        case .duration:
            guard let duration = json.stringValue.flatMap(WorkflowDuration.init) else { throw mismatch("a duration") }
            return .duration(duration)
        case .enumeration(let values):
            guard let text = json.stringValue, values.contains(text) else {
                throw mismatch("one of its values (\(values.joined(separator: ", ")))")
            }
            return .string(text)
        case .list(let element):
            guard let elements = json.arrayValue else { throw mismatch("a list") }
            var values: [ExpressionValue] = []
            for item in elements {
                values.append(try convert(item, to: element, field: field, at: span))
            }
            return .list(values)
        case .document:
            guard let members = json.objectValue else { throw mismatch("a document {type, issuer, sha256, name, size}") }
            return .document(members)
        case .null:
            throw mismatch("null")
        }
    }

    /// A decimal written as a string of digits (`"12.50"`, `"-3"`), exact, or nil.
    static func decimal(fromDigits text: String) -> Decimal? {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        var integer = parts[0].drop { $0 == "0" }
        if integer.isEmpty { integer = "0" }
        let literal = (negative ? "-" : "") + integer + (parts.count == 2 ? "." + parts[1] : "")
        return JSONNumber(literal)?.decimal
    }
}
