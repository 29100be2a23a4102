import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases referent ID AGENT`: name the case's referent (`--remove` to remove it).
    struct Referent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "referent",
            abstract: "Name, change or remove the agent who answers for a case across its agencies.",
            discussion: """
                AGENT must be an agent of one of the workflow's agencies holding one of the roles \
                its 'referent.roles' names (any role of the workflow when absent). The change is in \
                the case's history. A refusal exits 1; a stale --expected-version exits 3.
                """)

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "The agent's id (omit with --remove).")
        var agent: String?

        @Flag(help: "Remove the case's referent.")
        var remove = false

        @Option(help: "Why (read by every agency of the case).")
        var note: String?

        @Option(help: "Refuse if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if remove == (agent != nil) { throw ValidationError("name an AGENT, or give --remove (not both)") }
        }

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await database.withSession { session in
                let reading = try await CaseInput.exitingOnFailure {
                    try await session.door.withHistory(try await session.door.setReferent(
                        caseID, agent: agent, note: note, expectedVersion: expectedVersion, by: Operator.caller("cli: cases referent")))
                }
                output.print(reading)
            }
        }
    }
}
