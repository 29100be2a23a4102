import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases show ID`: one case, whole.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a case: state and tracks, whose move, tasks, escalations, history.")

        @Argument(help: "The case id.")
        var id: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await database.withSession { session in
                // An operator's read is journaled like an agent's: the citizen is owed it too.
                let reading = try await CaseInput.exitingOnFailure {
                    try await session.door.read(caseID, by: Operator.caller("cli: cases show"), history: true)
                }
                output.print(reading)
            }
        }
    }
}
