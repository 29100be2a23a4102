import Foundation
import Workflow

/// A declared field as a form input, and a form's values back as case data: each type gets
/// the input a person can fill (a date picker, a list of choices, a file for a document), and
/// what they send is read by the same type, so the engine sees what the API would get.
enum FieldInput {
    /// The values of one input, for the template.
    /// `form` makes the input's id unique in the page: a field may be in several forms.
    static func input(_ field: FieldSpec, current: JSONValue?, texts: Texts, required: Bool, form: String) -> [String: Any] {
        let path = field.path.value
        let id = "\(form)-\(path.replacingOccurrences(of: ".", with: "-"))"
        var input: [String: Any] = ["name": "data.\(path)", "id": id,
                                    "label": field.label ?? path, "type_name": field.type.description]
        if let description = field.description { input["help"] = description }
        if required { input["required"] = true }
        switch field.type {
        case .bool:
            input["is_select"] = true
            input["options"] = [["value": "", "label": "—", "selected": current == nil] as [String: Any],
                                ["value": "true", "label": texts["value_yes"], "selected": current == .bool(true)],
                                ["value": "false", "label": texts["value_no"], "selected": current == .bool(false)]]
        case .enumeration(let values):
            input["is_select"] = true
            input["options"] = [["value": "", "label": "—", "selected": current == nil] as [String: Any]]
                + values.map { ["value": $0, "label": $0, "selected": current?.stringValue == $0] }
        case .list(.enumeration(let values)):
            let chosen = Set(current?.arrayValue?.compactMap(\.stringValue) ?? [])
            input["is_checkboxes"] = true
            input["options"] = values.map { ["value": $0, "label": $0, "checked": chosen.contains($0),
                                             "id": "\(id)-\($0)"] as [String: Any] }
        case .document:
            input["is_file"] = true
            if let name = current?.value(at: "name")?.stringValue { input["current"] = name }
        case .list:
            input["is_textarea"] = true
            input["value"] = current?.serialized() ?? ""
            input["help"] = [field.description, texts["field_list_help"]].compactMap { $0 }.joined(separator: " — ")
        default:
            input["is_text"] = true
            input["html_type"] = field.type == .date ? "date" : field.type == .int ? "number" : "text"
            if field.type == .decimal { input["inputmode"] = "decimal" }
            if field.type == .datetime { input["placeholder"] = "2026-01-31T09:30:00+01:00" }
            input["value"] = current.map(display) ?? ""
        }
        return input
    }

    /// A stored value as a person reads it.
    static func display(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "✓" : "✗"
        case .null: "—"
        case .array(let items): items.map(display).joined(separator: ", ")
        default: value.serialized()
        }
    }

    /// The data a form sends for `fields`: only the inputs filled in (an empty input changes
    /// nothing), read by their field's type. A value that cannot be read is a refusal naming it.
    /// `current` is the case's data: a list of choices left empty where there was none is no
    /// change (its checkboxes send an empty list either way).
    static func data(from form: WebForm, fields: [FieldSpec], files: [String: WebForm.File], issuer: String,
                     current: JSONValue) throws -> JSONValue? {
        var data = JSONValue.object([:])
        var any = false
        for field in fields {
            let name = "data.\(field.path.value)"
            let value: JSONValue?
            switch field.type {
            case .document:
                value = files[name].map { document($0, field: field, issuer: issuer) }
            case .list(.enumeration):
                let chosen = form.values.filter { $0.name == name }.map(\.value).filter { !$0.isEmpty }
                let present = form.values.contains { $0.name == name + ".present" }
                let unchanged = chosen.isEmpty && (current.value(at: field.path.value) ?? .null).isNull
                value = present && !unchanged ? .array(chosen.map(JSONValue.string)) : nil
            default:
                guard let text = form.trimmed(name) else { continue }
                value = try parse(text, as: field.type, path: field.path.value)
            }
            if let value {
                try? data.setValue(value, at: field.path.value)
                any = true
            }
        }
        return any ? data : nil
    }

    static func parse(_ text: String, as type: FieldType, path: String) throws -> JSONValue {
        switch type {
        case .int:
            guard let number = Int(text) else { throw FieldInputError(path: path, expected: "int") }
            return .number(JSONNumber(number))
        case .decimal:
            guard let number = JSONNumber(text.replacingOccurrences(of: ",", with: ".")) else {
                throw FieldInputError(path: path, expected: "decimal")
            }
            return .number(number)
        case .bool:
            return .bool(text == "true")
        case .list, .document:
            guard let value = try? JSONValue(parsing: text) else { throw FieldInputError(path: path, expected: "json") }
            return value
        default:
            return .string(text)
        }
    }

    /// A document reference from an uploaded file: its hash, name and size. The file itself is
    /// not kept: cases hold references to documents kept by the agency that issued them.
    static func document(_ file: WebForm.File, field: FieldSpec, issuer: String) -> JSONValue {
        .object(["type": .string(String(field.path.value.split(separator: ".").last ?? "document").replacingOccurrences(of: "_", with: "-")),
                 "issuer": .string(issuer), "sha256": .string(SHA256Digest.hex(file.bytes)),
                 "name": .string(file.filename), "size": .number(JSONNumber(file.bytes.count))])
    }
}

/// A form value that does not read as its field's type.
struct FieldInputError: Error {
    let path: String
    let expected: String
}
