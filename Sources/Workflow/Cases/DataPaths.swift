/// The paths of the values in data a caller sends, and where they are in the request.
public enum DataPaths {
    /// The paths of the values in `value` (dotted keys read as the paths they name); a
    /// document or any object below a declared field is checked as that field.
    public static func leaves(_ value: JSONValue, prefix: String = "") -> [String] {
        guard let members = value.objectValue, !members.isEmpty else { return prefix.isEmpty ? [] : [prefix] }
        return members.keys.sorted().flatMap { key in leaves(members[key]!, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
    }

    /// The JSON pointer of a field's value in a request's `data`.
    public static func pointer(_ path: String) -> String {
        "/data/" + path.split(separator: ".", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined(separator: "/")
    }
}
