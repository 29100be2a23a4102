import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases show ID`: one case, whole.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case: state and tracks, whose move, tasks, escalations, history.")

        @Argument(help: "The case id.")
        var id: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await database.withSession { session in
                output.print(try await CaseInput.exitingOnFailure { try await session.cases.read(caseID) })
            }
        }
    }
}
