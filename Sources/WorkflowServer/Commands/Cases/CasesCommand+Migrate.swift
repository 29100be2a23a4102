import ArgumentParser
import Foundation
import Workflow

extension CasesCommand {
    /// `workflow cases migrate --workflow ID --to-version N`: move the open cases of a workflow
    /// to another published version, through the door (`CaseService.migrate`).
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Move the open cases of a workflow to another published version of it.",
            discussion: """
                Each case that fits moves in its own transaction, with a 'migrated' history line; \
                its tasks and timers are recomputed by the new version, counted from when the case \
                entered its state. A case that does not fit stays on its version and is escalated \
                'migration-misfit' with the reasons. Cases already on the version are left alone, \
                so running the command again finishes an interrupted migration. Prints one line per \
                case that did not simply move, then the counts. Exit status: 0 when every case \
                moved (or would, with --dry-run), 1 when some did not fit or failed, 2 for a bad request.
                """)

        @Option(help: "The workflow whose cases move.")
        var workflow: String

        @Option(help: "The published version to move them to.")
        var toVersion: Int

        @Option(name: .customLong("map"), help: "OLD=NEW: where a renamed or removed state goes (TRACK.STATE for a track's state); repeat for each.")
        var map: [String] = []

        @Option(help: "Only the cases in this state of the main machine.")
        var state: String?

        @Flag(help: "Change nothing: say, per case, whether it fits or why not.")
        var dryRun = false

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            var mapping = StateMapping()
            var mapProblems: [String] = []
            do {
                mapping = try StateMapping(parsing: map)
            } catch {
                mapProblems = error.problems.map { "--map: \($0)" }
                mapping = .readable(map)
            }
            let request = MigrationRequest(workflow: workflow, toVersion: toVersion, mapping: mapping, state: state, dryRun: dryRun)
            let caller = Operator.caller("cli: cases migrate")
            let report = try await database.withSession { session in
                do {
                    // A mapping that could not be read: told with the request's other problems, all at once.
                    if !mapProblems.isEmpty {
                        throw Self.refuse(mapProblems + (try await session.door.migrationProblems(request, by: caller)).map(Self.option))
                    }
                    return try await session.door.migrate(request, by: caller)
                } catch let failure as CaseFailure {
                    throw Self.refuse(failure.problems.isEmpty ? [failure.message] : failure.problems.map(Self.option))
                }
            }
            print(output.json ? report.json.serialized() : report.text, terminator: output.json ? "\n" : "")
            let unsettled = report.items.contains { ![.migrated, .fits, .skipped].contains($0.outcome) }
            if unsettled { throw ExitCode(1) }
        }

        /// A problem of the request, named by the option it concerns.
        static func option(_ problem: CaseFailure.Problem) -> String {
            let names = ["/map": "--map", "/state": "--state", "/to_version": "--to-version"]
            return problem.pointer.flatMap { names[$0] }.map { "\($0): \(problem.detail)" } ?? problem.detail
        }

        /// Every problem once, then exit 2.
        static func refuse(_ problems: [String]) -> ExitCode {
            if problems.count == 1 {
                Output.error("error: \(problems[0])")
            } else {
                Output.error("error: \(problems.count) problems:")
                for problem in problems { Output.error("  - \(problem)") }
            }
            return ExitCode(2)
        }
    }
}
