import Foundation

extension JSONValue {
    /// The segments of a dotted path (`terrain.zone`), or nil when a segment is empty.
    static func segments(of path: String) -> [String]? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.contains(where: \.isEmpty) ? nil : parts
    }

    /// The value at a dotted path (`terrain.zone` reads `{"terrain": {"zone": ...}}`), or nil when
    /// a segment is missing or crosses something that is not an object.
    public func value(at path: String) -> JSONValue? {
        guard let segments = JSONValue.segments(of: path) else { return nil }
        var current = self
        for segment in segments {
            guard case .object(let members) = current, let next = members[segment] else { return nil }
            current = next
        }
        return current
    }

    /// Writes `value` at a dotted path, creating the intermediate objects that are missing.
    ///
    /// Throws when the path is malformed or crosses a value that is not an object
    /// (`terrain.zone` when `terrain` is a string); `self` is then unchanged.
    public mutating func setValue(_ value: JSONValue, at path: String) throws(JSONPathError) {
        guard let segments = JSONValue.segments(of: path) else {
            throw JSONPathError(
                path: path, message: "'\(path)' is not a path; write names joined by dots, like terrain.zone")
        }
        self = try JSONValue.setting(value, in: self, at: segments[...], path: path, depth: 0)
    }

    private static func setting(_ value: JSONValue, in container: JSONValue, at segments: ArraySlice<String>,
                                path: String, depth: Int) throws(JSONPathError) -> JSONValue {
        guard let first = segments.first else { return value }
        guard case .object(var members) = container else {
            let prefix = JSONValue.segments(of: path)!.prefix(depth).joined(separator: ".")
            throw JSONPathError(
                path: path,
                message: "'\(path)' cannot be written: '\(prefix.isEmpty ? "the data" : prefix)' is not an object")
        }
        let child = members[first] ?? .object([:])
        members[first] = try setting(value, in: child, at: segments.dropFirst(), path: path, depth: depth + 1)
        return .object(members)
    }

    /// Removes the value at a dotted path and returns it (nil when there was none).
    ///
    /// Objects left empty by the removal are removed too, so clearing `terrain.zone` from
    /// `{"terrain": {"zone": "U"}}` leaves `{}` rather than `{"terrain": {}}`.
    @discardableResult
    public mutating func removeValue(at path: String) -> JSONValue? {
        guard let segments = JSONValue.segments(of: path) else { return nil }
        var removed: JSONValue?
        self = JSONValue.removing(in: self, at: segments[...], removed: &removed)
        return removed
    }

    private static func removing(in container: JSONValue, at segments: ArraySlice<String>,
                                 removed: inout JSONValue?) -> JSONValue {
        guard let first = segments.first, case .object(var members) = container,
              let child = members[first] else { return container }
        if segments.count == 1 {
            removed = child
            members[first] = nil
        } else {
            let updated = removing(in: child, at: segments.dropFirst(), removed: &removed)
            if updated == .object([:]), removed != nil {
                members[first] = nil
            } else {
                members[first] = updated
            }
        }
        return .object(members)
    }
}
