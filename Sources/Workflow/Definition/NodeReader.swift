/// Reads typed values out of YAML nodes, collecting a positioned diagnostic for every
/// value of the wrong shape instead of stopping at the first.
struct NodeReader {
    var diagnostics: [Diagnostic] = []

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    /// The entries of a mapping; unknown keys are reported with the closest allowed one.
    mutating func mapping(_ node: YAMLNode, what: String, allowed: [String]) -> [YAMLMappingEntry]? {
        guard let entries = node.mapping else {
            error("\(what) must be a mapping of keys (\(allowed.prefix(6).joined(separator: ", "))…), found \(node.kindName)", at: node.location)
            return nil
        }
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key '\(entry.key)' in \(what)"
            if let close = Suggestion.closest(to: entry.key, among: allowed) {
                message += "; did you mean '\(close)'?"
            } else {
                message += "; allowed keys are: \(allowed.joined(separator: ", "))"
            }
            error(message, at: entry.keyLocation)
        }
        return entries.filter { allowed.contains($0.key) }
    }

    /// A mapping whose keys are names chosen by the designer (states, fields, queues...).
    mutating func namedEntries(_ node: YAMLNode, what: String) -> [YAMLMappingEntry] {
        if let entries = node.mapping { return entries }
        if node.scalar?.isNull == true { return [] }
        error("\(what) must be a mapping of names to definitions, found \(node.kindName)", at: node.location)
        return []
    }

    mutating func string(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error("\(what) must be a single value, found \(node.kindName)", at: node.location)
            return nil
        }
        return Located(scalar.value, at: node.location)
    }

    /// A name for people (`label:`): one value with some text in it.
    mutating func label(_ node: YAMLNode, what: String) -> String? {
        guard let text = string(node, what: what) else { return nil }
        guard !text.value.allSatisfy(\.isWhitespace) else {
            error("\(what) is empty; write the name people should read, such as 'label: \"Date de naissance\"', or remove it", at: node.location)
            return nil
        }
        return text.value
    }

    /// A name used as a reference: a slug of letters, digits, '-' and '_'.
    mutating func identifier(_ node: YAMLNode, what: String) -> Located<String>? {
        guard let value = string(node, what: what) else { return nil }
        guard Identifier.isValid(value.value) else {
            error("\(what) '\(value.value)' is not a valid name; use letters, digits, '-' and '_' only", at: node.location)
            return nil
        }
        return value
    }

    mutating func positiveInteger(_ node: YAMLNode, what: String) -> Located<Int>? {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Int(text.value), value > 0, value <= Int(Int32.max), text.value.first != "0", text.value.first != "+" else {
            error("\(what) must be a positive whole number such as 1, found '\(text.value)'", at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// `true` or `false`, and nothing else: YAML 1.1's yes/no/on/off are refused.
    mutating func bool(_ node: YAMLNode, what: String) -> Bool? {
        guard let text = string(node, what: what) else { return nil }
        switch text.value {
        case "true": return true
        case "false": return false
        default:
            error("\(what) must be true or false, found '\(text.value)'", at: node.location)
            return nil
        }
    }

    mutating func duration(_ node: YAMLNode, what: String) -> Located<WorkflowDuration>? {
        guard let text = string(node, what: what) else { return nil }
        do {
            return Located(try WorkflowDuration.parse(text.value), at: node.location)
        } catch {
            self.error("bad duration for \(what): \(error.message)", at: node.location)
            return nil
        }
    }

    /// A list of single values; a lone value is taken as a list of one.
    mutating func stringList(_ node: YAMLNode, what: String) -> [Located<String>] {
        if let scalar = node.scalar {
            return scalar.isNull ? [] : [Located(scalar.value, at: node.location)]
        }
        guard let items = node.sequence else {
            error("\(what) must be a list such as [a, b], found \(node.kindName)", at: node.location)
            return []
        }
        return items.compactMap { string($0, what: "an item of \(what)") }
    }

    mutating func expression(_ node: YAMLNode, what: String) -> ExpressionSource? {
        guard let scalar = node.scalar, !scalar.isNull else {
            error("\(what) must be an expression written as one value (quote it when it contains ':' or starts with a quote or a bracket), found \(node.kindName)", at: node.location)
            return nil
        }
        return ExpressionSource(text: scalar.value, location: node.location, offsetMap: scalar.offsetMap)
    }
}

/// The shape of the names a designer gives to states, queues, roles and the like.
enum Identifier {
    static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// A letter of any script; ASCII is answered without the Unicode tables (names are
    /// mostly ASCII, and the tables' lookup was a twentieth of a large file's validation).
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        return scalar.properties.isAlphabetic
    }

    /// A dotted field path: names joined by '.', each an ASCII letter or '_' then letters,
    /// digits, '_' — what expressions can name.
    static func isFieldPath(_ text: String) -> Bool {
        let segments = text.split(separator: ".", omittingEmptySubsequences: false)
        let letter = { (c: Unicode.Scalar) in ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        return !segments.isEmpty && segments.allSatisfy { segment in
            guard let first = segment.unicodeScalars.first, letter(first) else { return false }
            return segment.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) }
        }
    }
}
