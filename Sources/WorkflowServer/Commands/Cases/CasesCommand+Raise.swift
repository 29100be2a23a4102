import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases raise ID REASON`: say a case is exceptional and send it to a person.
    struct Raise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "raise",
            abstract: "Escalate a case: 'agent-raised' or an exception code of its workflow.",
            discussion: """
                Opens an escalation task in the exception's queue (else the workflow's escalation \
                queue); the case stays where it is. A refusal exits 1; a stale --expected-version exits 3.
                """)

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "'agent-raised', or a code listed under the workflow's 'exceptions'.")
        var reason: String

        @Option(help: "What the person handling the escalation needs to know.")
        var note: String?

        @Option(help: "The parallel track the escalation concerns.")
        var track: String?

        @Option(help: "Refuse if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await CasesCommand.apply(.raise(reason: reason, track: track), note: note, to: caseID,
                                         expectedVersion: expectedVersion, command: "raise", output: output, database: database)
        }
    }
}
