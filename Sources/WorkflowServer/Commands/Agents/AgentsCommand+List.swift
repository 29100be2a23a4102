import ArgumentParser
import Workflow

extension AgentsCommand {
    /// `workflow agents list`: every agent with its status; never a token nor its hash.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the agents: agency, roles, designer or supervisor, status and dates.",
            discussion: "Revoked and expired agents are listed too. Tokens are never shown, nor their hashes.")

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                let agents = try await CaseInput.exitingOnFailure { try await AgentStore(session.database).list() }
                output.print(agents)
            }
        }
    }
}
