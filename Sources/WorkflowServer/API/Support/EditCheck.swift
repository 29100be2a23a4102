import Workflow

/// Refuses data sent by a caller who may not edit every field of it, before the engine sees
/// it: the engine checks only the fields a change alters, so an agent could otherwise learn a
/// hidden value by sending guesses until one "changes nothing".
enum EditCheck {
    static func ensure(_ access: CaseAccess, mayWrite data: JSONValue?) throws {
        guard let data else { return }
        for path in leaves(data, prefix: "") where !access.mayEdit(field: path) {
            guard access.mayView(field: path) else {
                throw Problem.forbidden("the data you sent includes fields you may not change")
            }
            throw Problem(.forbidden, "you may not change '\(path)'", pointer: "/data/" + path.replacingOccurrences(of: ".", with: "/"),
                          members: ["code": "not-allowed", "field": .string(path)])
        }
    }

    /// The paths of the values in `value` (dotted keys read as the paths they name); a document
    /// or any object below a declared field is checked as that field, by `mayEdit`.
    static func leaves(_ value: JSONValue, prefix: String) -> [String] {
        guard let members = value.objectValue, !members.isEmpty else { return prefix.isEmpty ? [] : [prefix] }
        return members.flatMap { key, member in leaves(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
    }

    /// Every path holding a value in `data`, for the journal of a read that returns it whole.
    static func dataPaths(_ data: JSONValue) -> [String] { leaves(data, prefix: "") }
}
