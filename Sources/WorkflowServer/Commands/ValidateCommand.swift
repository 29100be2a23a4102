import ArgumentParser
import Foundation
import Workflow

/// `workflow validate FILE...`: one diagnostic per line, as compilers print them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check workflow files without a database.",
        discussion: """
            Prints FILE:LINE:COL: severity: message for each problem. Exit status: 0 when \
            there is no error (warnings allowed), 1 when there is one, 2 when a file cannot be read. \
            A folder stands for the .yaml files in it.
            """
    )

    @Argument(help: "Workflow files (.yaml), or folders of them.")
    var files: [String]

    @Flag(help: "Print the result as JSON, for tools.")
    var json = false

    @Flag(help: "Print only errors, not warnings.")
    var quiet = false

    func run() throws {
        let paths = try WorkflowFiles.expand(files)
        var reports: [FileReport] = []
        var unreadable = false
        for path in paths {
            switch WorkflowFiles.read(path) {
            case .success(let bytes):
                reports.append(FileReport(file: path, document: WorkflowLoader.loadFile(bytes, named: path)))
            case .failure(let problem):
                unreadable = true
                reports.append(FileReport(file: path, readError: problem.message))
            }
        }
        FileReport.checkUniqueIDs(&reports)
        if quiet {
            for index in reports.indices { reports[index].diagnostics.removeAll { $0.severity == .warning } }
        }

        if json {
            print(try FileReport.json(reports))
        } else {
            for report in reports {
                if let readError = report.readError {
                    FileHandle.standardError.write(Data("\(report.file): error: \(readError)\n".utf8))
                }
                for diagnostic in report.diagnostics {
                    print(diagnostic.formatted(file: report.file))
                }
            }
        }
        if unreadable { throw ExitCode(2) }
        if reports.contains(where: { $0.diagnostics.hasErrors }) { throw ExitCode(1) }
    }
}
