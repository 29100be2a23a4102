/// A value, or the fields whose absence makes it unknown.
enum EvaluationOutcome: Sendable, Hashable {
    case known(ExpressionValue)
    case unknown([String])
}

/// A truth value of Kleene's logic.
enum KleeneTruth: Sendable, Hashable {
    case known(Bool)
    case unknown([String])
}

/// What an evaluation read: each field path and the JSON it held (null when absent).
struct EvaluationTrace: Sendable {
    var seen: [String: JSONValue] = [:]
}

extension Evaluator {
    /// Joins lists of missing fields, keeping the first occurrence of each.
    static func mergeMissing(_ lists: [String]...) -> [String] {
        var result: [String] = []
        for path in lists.joined() where !result.contains(path) { result.append(path) }
        return result
    }
}
