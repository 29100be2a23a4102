/// What to do about libyaml's syntax errors, in a process designer's words.
enum YAMLSyntaxHints {
    static func hint(problem: String, character: Unicode.Scalar?) -> String {
        if character == "\t" {
            return "YAML does not allow tabs for indentation; indent with spaces"
        }
        switch problem {
        case "mapping values are not allowed in this context":
            return "a value that contains ': ' must be quoted, or this line is indented wrongly"
        case "found character that cannot start any token":
            return "a value starting with '\(character.map(String.init) ?? "?")' must be quoted"
        case "did not find expected key":
            return "check that this line is indented like the keys of its mapping"
        case "could not find expected ':'":
            return "a key must be followed by ':'; quote a value that runs over several lines"
        case "did not find expected '-' indicator":
            return "items of a list must all start with '-' at the same indentation"
        case "found unexpected end of stream":
            return "a quote or bracket is not closed"
        case "found undefined tag handle":
            return "tags are not supported; remove the '!' prefix or quote the value"
        case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
            return "a bracket or brace opened above is not closed, or an item lacks a comma"
        default:
            if problem.contains("escape") { return "in double quotes, write a backslash as \\\\ or use single quotes" }
            return "check the indentation and the quoting of this line"
        }
    }
}
