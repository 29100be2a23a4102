import Foundation

extension CaseDataValidator {
    /// `incoming` merged into `data`: each declared field it names replaces the case's value
    /// (null removes it), groups of fields merge member by member, and anything undeclared is
    /// written as sent so that `problems(in:)` reports it. A key may also be a dotted path
    /// (`{"usager.nom": "Dupont"}`). Throws a problem when `incoming` is not an object or a path
    /// crosses a value that is not an object.
    public func merging(_ incoming: JSONValue, into data: JSONValue) throws(Problem) -> JSONValue {
        guard let members = incoming.objectValue else {
            throw Problem(path: "", reason: "the data sent must be a JSON object, found \(incoming.serialized())")
        }
        var result = data.objectValue == nil ? JSONValue.object([:]) : data
        try merge(members, prefix: "", into: &result)
        return result
    }

    private func merge(_ members: [String: JSONValue], prefix: String, into result: inout JSONValue) throws(Problem) {
        for key in members.keys.sorted() {
            let value = members[key]!
            let path = prefix.isEmpty ? key : prefix + "." + key
            if value.isNull {
                result.removeValue(at: path)
            } else if specs[path] == nil, groups.contains(path), let inner = value.objectValue {
                try merge(inner, prefix: path, into: &result)
            } else {
                do {
                    try result.setValue(value, at: path)
                } catch {
                    throw Problem(path: path, reason: error.message)
                }
            }
        }
    }

    /// The fields that differ between two versions of the data, as
    /// `{"path": {"from": old, "to": new}}` (null for an absent side), or nil when none does.
    public func diff(from before: JSONValue, to after: JSONValue) -> JSONValue? {
        var old: [String: JSONValue] = [:]
        var new: [String: JSONValue] = [:]
        flatten(before, prefix: "", into: &old)
        flatten(after, prefix: "", into: &new)
        var changes: [String: JSONValue] = [:]
        for path in Set(old.keys).union(new.keys) where old[path] != new[path] {
            changes[path] = .object(["from": old[path] ?? .null, "to": new[path] ?? .null])
        }
        return changes.isEmpty ? nil : .object(changes)
    }

    /// The dotted paths whose values differ between two versions of the data, sorted.
    public func changedPaths(from before: JSONValue, to after: JSONValue) -> [String] {
        (diff(from: before, to: after)?.objectValue?.keys).map { $0.sorted() } ?? []
    }

    /// Each declared field (or undeclared leaf) of `data` by its dotted path; nulls are left out.
    private func flatten(_ data: JSONValue, prefix: String, into result: inout [String: JSONValue]) {
        guard let members = data.objectValue else {
            if !prefix.isEmpty, !data.isNull { result[prefix] = data }
            return
        }
        for (key, value) in members {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if specs[path] != nil || value.objectValue == nil {
                if !value.isNull { result[path] = value }
            } else {
                flatten(value, prefix: path, into: &result)
            }
        }
    }
}
