import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases list`: cases by filter, a page at a time.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List cases, a page at a time (by id).")

        @Option(help: "Only cases of this workflow.")
        var workflow: String?

        @Option(help: "Only cases in this state.")
        var state: String?

        @Option(help: "Only cases whose move it is of this party (usager, an agency, engine).")
        var waitingOn: String?

        @Flag(help: "Only open cases.")
        var open = false

        @Flag(help: "Only escalated cases.")
        var escalated = false

        @Option(help: "Continue after this case id (the last one of the previous page).")
        var after: String?

        @Option(help: "How many cases (at most 500).")
        var limit = 50

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cursor = try after.map(CaseInput.caseID)
            try await database.withSession { session in
                let filter = CaseStore.Filter(workflowID: workflow, state: state, openOnly: open, escalatedOnly: escalated,
                                              waitingOn: waitingOn, after: cursor, limit: limit)
                let cases = try await CaseInput.exitingOnFailure { try await session.cases.list(filter) }
                output.print(cases)
            }
        }
    }
}
