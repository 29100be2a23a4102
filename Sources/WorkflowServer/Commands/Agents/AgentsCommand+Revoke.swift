import ArgumentParser
import Workflow

extension AgentsCommand {
    /// `workflow agents revoke ID`: the agent's token stops working at once, for good.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke an agent: its token stops working at once, for good.",
            discussion: "The agent stays listed, and its id is never given to anyone else, so that histories stay unambiguous.")

        @Argument(help: "The agent's id.")
        var id: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                let agent = try await CaseInput.exitingOnFailure { try await AgentStore(session.database).revoke(id: id) }
                output.print(agent, token: nil, verb: "revoked")
            }
        }
    }
}
