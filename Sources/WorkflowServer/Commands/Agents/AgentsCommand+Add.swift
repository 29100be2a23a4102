import ArgumentParser
import Foundation
import Workflow

extension AgentsCommand {
    /// `workflow agents add ID --agency A --roles r1,r2`: registers an agent and prints its token once.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register an agent and print its bearer token, once.",
            discussion: """
                The token is printed once and never stored: only its SHA-256 is. Give it to the \
                agent through a safe channel; if it is lost, 'workflow agents rotate ID' makes a new one.
                """)

        @Argument(help: "The agent's id: lower-case letters, digits, '.', '_', '@', '-' (such as c.martin).")
        var id: String

        @Option(help: "The agency the agent belongs to, by its id in the workflow files (such as sre); not for --portal.")
        var agency: String?

        @Option(help: "The roles the agent holds, by id, separated by commas (such as liquidateur-sre,gestionnaire-sre).",
                transform: AgentsCommand.roles)
        var roles: Set<String> = []

        @Flag(help: "The agent may publish workflows.")
        var designer = false

        @Flag(help: "The agent may override and reopen the cases it sees.")
        var supervisor = false

        @Flag(help: "A token for the citizen's portal: it acts for the person it names (Citizen-Ref) on /api/v1/portal only.")
        var portal = false

        @Option(help: "The token stops working after this long: a duration of the workflow language (90d, 12w, 1y).",
                transform: AgentsCommand.duration)
        var expires: WorkflowDuration?

        @OptionGroup var identity: AgentIdentityOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        /// The portal belongs to no agency of a workflow: it is recorded as the front office.
        private var agencyID: String { agency ?? (portal ? "portail" : "") }

        func validate() throws {
            if portal {
                guard roles.isEmpty, !designer, !supervisor else {
                    throw ValidationError("a --portal token acts for citizens only: give it no --roles, --designer or --supervisor")
                }
            } else if agency == nil {
                throw ValidationError("give the agent's --agency (or --portal for the citizen's portal)")
            }
            if let problem = AgentStore.problem(id: id, agency: agencyID, roles: roles) { throw ValidationError(problem) }
            if portal, identity.given { throw ValidationError("a --portal token signs in with its token only: give it no --oidc-… option") }
            _ = try identity.identity()
        }

        func run() async throws {
            let expiresAt = try expires.map(AgentsCommand.fromNow)
            try await database.withSession { session in
                let (agent, token) = try await CaseInput.exitingOnFailure {
                    try await AgentStore(session.database).add(id: id, agency: agencyID, roles: roles, designer: designer,
                                                               supervisor: supervisor, portal: portal, expiresAt: expiresAt,
                                                               identity: try identity.identity())
                }
                output.print(agent, token: token, verb: "added")
                if !output.json, let line = AgentOutput.identityText(try identity.identity()) { print(line) }
                if !portal { await AgentRoleCheck.warn(about: agent, session: session) }
            }
        }
    }
}
