import Workflow

/// What the citizen's portal may write and be told about: the workflow's public fields,
/// those with neither `visible_to` nor `editable_by` (what the person fills in). Every other
/// field is the administration's: the portal neither writes it nor learns its name.
enum CitizenFields {
    static func isPublic(_ path: String, in definition: WorkflowDefinition) -> Bool {
        guard let field = covering(path, in: definition) else { return false }
        return field.visibleTo.isEmpty && field.editableBy.isEmpty
    }

    /// Refuses data the citizen may not write, naming only what they sent.
    static func ensure(mayWrite data: JSONValue?, in definition: WorkflowDefinition) throws {
        guard let data else { return }
        for path in EditCheck.leaves(data, prefix: "") where !isPublic(path, in: definition) {
            throw Problem(.forbidden, "'\(path)' is not data the person provides; the administration fills it in",
                          pointer: "/data/" + path.replacingOccurrences(of: ".", with: "/"), members: ["code": "not-allowed"])
        }
    }

    /// The declared field that is `path` or holds it.
    private static func covering(_ path: String, in definition: WorkflowDefinition) -> FieldSpec? {
        var candidate = Substring(path)
        while !candidate.isEmpty {
            if let field = definition.field(String(candidate)) { return field }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
        return nil
    }
}
