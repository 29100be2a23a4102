import ArgumentParser
import Foundation
import Workflow

extension AgentsCommand {
    /// `workflow agents rotate ID`: a new token for the agent; the old one stops working at once.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Give an agent a new token and print it, once; the old token stops working at once.",
            discussion: "The expiry is kept unless --expires gives a new one; an agent whose expiry has passed needs one. A revoked agent cannot be rotated.")

        @Argument(help: "The agent's id.")
        var id: String

        @Option(help: "A new expiry, counted from now: a duration of the workflow language (90d, 12w, 1y).",
                transform: AgentsCommand.duration)
        var expires: WorkflowDuration?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let expiresAt = try expires.map(AgentsCommand.fromNow)
            try await database.withSession { session in
                let (agent, token) = try await CaseInput.exitingOnFailure {
                    try await AgentStore(session.database).rotate(id: id, expiresAt: expiresAt)
                }
                output.print(agent, token: token, verb: "rotated")
            }
        }
    }
}
