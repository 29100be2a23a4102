import Workflow

/// Validation diagnostics as the API returns them: line, column, severity, message.
enum Diagnostics {
    static func json(_ diagnostics: [Diagnostic]) -> JSONValue {
        .array(diagnostics.sortedByLocation().map { diagnostic in
            .object([
                "line": .number(JSONNumber(diagnostic.location.line)),
                "column": .number(JSONNumber(diagnostic.location.column)),
                "severity": .string(diagnostic.severity.rawValue),
                "message": .string(diagnostic.message),
            ])
        })
    }
}
