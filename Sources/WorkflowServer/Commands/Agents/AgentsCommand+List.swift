import ArgumentParser
import Workflow

extension AgentsCommand {
    /// `workflow agents list`: every agent with its status; never a token nor its hash.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the agents: agency, roles, designer or supervisor, status and dates, and the identity they sign in with.",
            discussion: "Revoked and expired agents are listed too. Tokens are never shown, nor their hashes.")

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                let (agents, identities) = try await CaseInput.exitingOnFailure {
                    (try await AgentStore(session.database).list(), try await AgentIdentityStore(session.database).all())
                }
                output.print(agents, identities: identities)
            }
        }
    }
}
