import Foundation
import Workflow

/// What `workflow validate` found in one file, printable as text or JSON.
struct FileReport {
    var file: String
    var readError: String?
    var diagnostics: [Diagnostic] = []
    var workflowID: Located<String>?
    var version: Int?

    init(file: String, document: WorkflowDocument) {
        self.file = file
        self.diagnostics = document.diagnostics
        self.workflowID = document.definition?.id
        self.version = document.definition?.version.value
    }

    init(file: String, readError: String) {
        self.file = file
        self.readError = readError
    }

    /// Workflow ids are unique across a deployment: two files with one id and version clash.
    static func checkUniqueIDs(_ reports: inout [FileReport]) {
        var firstFile: [String: String] = [:]
        for index in reports.indices {
            guard let id = reports[index].workflowID, let version = reports[index].version else { continue }
            let key = "\(id.value)@\(version)"
            if let other = firstFile[key] {
                reports[index].diagnostics.append(.error("workflow '\(id.value)' version \(version) is also defined in \(other); give this one another id or version", at: id.location))
            } else {
                firstFile[key] = reports[index].file
            }
        }
    }

    static func json(_ reports: [FileReport]) throws -> String {
        struct Output: Encodable {
            struct File: Encodable {
                var file: String
                var valid: Bool
                var error: String?
                var diagnostics: [Entry]
            }
            struct Entry: Encodable {
                var severity: String
                var line: Int
                var column: Int
                var message: String
            }
            var files: [File]
        }
        let output = Output(files: reports.map { report in
            Output.File(
                file: report.file,
                valid: report.readError == nil && !report.diagnostics.hasErrors,
                error: report.readError,
                diagnostics: report.diagnostics.map {
                    Output.Entry(severity: $0.severity.rawValue, line: $0.location.line, column: $0.location.column, message: $0.message)
                })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
