import ArgumentParser
import Foundation
import Workflow

/// `workflow diff OLD.yaml NEW.yaml`, `workflow diff --workflow ID 1 2`: what changed between
/// two versions of a workflow (the library's `WorkflowDiff`), before moving cases across.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Say what changed between two versions of a workflow: states, tracks, fields, rules, queues, deadlines.",
        discussion: """
            Compares two files, or with --workflow two published versions. Exit status: 0 when \
            they are the same, 1 when they differ (like diff), 2 when one cannot be read or has errors.
            """)

    @Argument(help: "The older version: a file, or with --workflow a version number.")
    var old: String

    @Argument(help: "The newer version: a file, or with --workflow a version number.")
    var new: String

    @Option(help: "Compare two published versions of this workflow instead of two files.")
    var workflow: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if workflow != nil, Int(old) == nil || Int(new) == nil {
            throw ValidationError("with --workflow, give two version numbers: workflow diff --workflow ID 1 2")
        }
    }

    func run() async throws {
        let diff: WorkflowDiff
        if let workflow {
            diff = try await database.withSession { session in
                do {
                    return WorkflowDiff(from: try await session.catalog.definition(id: workflow, version: Int(old)!),
                                        to: try await session.catalog.definition(id: workflow, version: Int(new)!))
                } catch let error as StoreError {
                    Output.error("error: \(error.message)")
                    throw ExitCode(2)
                }
            }
        } else {
            let (former, latter) = (try WorkflowFiles.loadValid(old, before: "comparing it", invalidExit: 2),
                                    try WorkflowFiles.loadValid(new, before: "comparing it", invalidExit: 2))
            guard former.id.value == latter.id.value else {
                Output.error("error: \(old) is workflow '\(former.id.value)' and \(new) is workflow '\(latter.id.value)': "
                             + "diff compares two versions of one workflow")
                throw ExitCode(2)
            }
            diff = WorkflowDiff(from: former, to: latter)
        }
        print(output.json ? diff.json.serialized() : diff.text, terminator: output.json ? "\n" : "")
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
