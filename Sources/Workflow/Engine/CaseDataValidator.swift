import Foundation

/// Checks case data (one JSON object) against a workflow's `fields`: undeclared data, types,
/// `pattern`, enum `values`, `min`/`max`, and which `required` fields are missing.
///
/// Used when a case is created, after an action's data is merged, for a correction, and for
/// each value a `set` writes. Every problem names the dotted path of the field and the reason.
public struct CaseDataValidator: Sendable {
    /// One thing wrong with the data: where, and why.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The dotted path of the field (for a list item, the list's path).
        public var path: String
        /// What is wrong, in words a person can act on.
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { path.isEmpty ? reason : "'\(path)': \(reason)" }
    }

    /// The declared fields, in declaration order.
    let fields: [FieldSpec]
    let specs: [String: FieldSpec]
    /// Every prefix of a declared path (`usager` for `usager.nom`): the groups that hold fields.
    let groups: Set<String>
    let patterns: PatternCache

    public init(fields: [FieldSpec]) {
        var specs: [String: FieldSpec] = [:]
        var groups = Set<String>()
        for field in fields where specs[field.path.value] == nil {
            specs[field.path.value] = field
            var parts = field.path.value.split(separator: ".").map(String.init)
            while parts.count > 1 {
                parts.removeLast()
                groups.insert(parts.joined(separator: "."))
            }
        }
        self.fields = fields
        self.specs = specs
        self.groups = groups
        self.patterns = PatternCache(fields.compactMap { $0.pattern?.value })
    }

    public init(definition: WorkflowDefinition) {
        self.init(fields: definition.fields)
    }

    /// Every problem of `data`: undeclared members, and declared fields whose value does not
    /// fit their spec. A null value counts as absent. Problems come sorted by path.
    public func problems(in data: JSONValue) -> [Problem] {
        guard let members = data.objectValue else {
            return [Problem(path: "", reason: "case data must be a JSON object, found \(data.serialized())")]
        }
        var problems: [Problem] = []
        walk(members, prefix: "", into: &problems)
        return problems.sorted { $0.path < $1.path }
    }

    /// The problems of one value written at `path`: an undeclared field, or a value that does not
    /// fit the field's spec (null clears a field and is always accepted).
    public func problems(of value: JSONValue, at path: String) -> [Problem] {
        guard let spec = specs[path] else {
            return [undeclared(path)]
        }
        if value.isNull { return [] }
        return check(value, spec: spec, path: path)
    }

    /// The `required` fields absent from `data` (or null), in declaration order.
    public func missingRequired(in data: JSONValue) -> [String] {
        fields.filter { $0.required && !data.hasValue(at: $0.path.value) }.map(\.path.value)
    }

    /// The declared field at `path`, if any.
    public func spec(_ path: String) -> FieldSpec? { specs[path] }

    /// Whether `path` is a declared field.
    public func isDeclared(_ path: String) -> Bool { specs[path] != nil }

    /// Whether `path` is a group of declared fields (`usager` for `usager.nom`).
    public func isGroup(_ path: String) -> Bool { groups.contains(path) }

    private func walk(_ members: [String: JSONValue], prefix: String, into problems: inout [Problem]) {
        for (key, value) in members {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if let spec = specs[path] {
                if !value.isNull { problems += check(value, spec: spec, path: path) }
            } else if groups.contains(path) {
                if let inner = value.objectValue {
                    walk(inner, prefix: path, into: &problems)
                } else if !value.isNull {
                    problems.append(Problem(
                        path: path, reason: "'\(path)' is a group of fields, so it holds an object, not \(value.serialized())"))
                }
            } else {
                problems.append(undeclared(path))
            }
        }
    }

    private func undeclared(_ path: String) -> Problem {
        var reason = "the workflow does not declare the field '\(path)'"
        if let close = Suggestion.closest(to: path, among: specs.keys) {
            reason += "; did you mean '\(close)'?"
        }
        return Problem(path: path, reason: reason)
    }
}

/// The compiled `pattern:` regular expressions of a workflow, each anchored to match the whole value.
///
/// `NSRegularExpression` is immutable once built and safe to use from several threads, which is
/// why the cache, built once and never changed, is declared `@unchecked Sendable`.
final class PatternCache: @unchecked Sendable {
    private let expressions: [String: NSRegularExpression]

    init(_ patterns: [String]) {
        var expressions: [String: NSRegularExpression] = [:]
        for pattern in patterns where expressions[pattern] == nil {
            expressions[pattern] = try? NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
        }
        self.expressions = expressions
    }

    /// Whether the whole of `text` matches `pattern` (a pattern that does not compile matches nothing).
    func matches(_ text: String, pattern: String) -> Bool {
        guard let expression = expressions[pattern] else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }
}

extension JSONValue {
    /// Whether the data holds a value other than null at `path`.
    func hasValue(at path: String) -> Bool {
        guard let value = value(at: path) else { return false }
        return !value.isNull
    }
}
