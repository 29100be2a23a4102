import ArgumentParser
import Foundation
import Workflow

extension AgentsCommand {
    /// `workflow agents update ID --roles … --agency … --supervisor/--no-supervisor …`: changes
    /// what an agent may do, journaled; its sessions end when it loses anything.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change an agent's agency, roles, designer or supervisor rights, or sign-in identity.",
            discussion: """
                What is not given stays as it is. Each change is journaled (who, before, after). When the \
                agent loses anything (another agency, a role, a right, its sign-in identity), its open \
                sessions on the pages end at once; its token stays valid. An empty --oidc-email or \
                --oidc-subject '' removes that identity.
                """)

        @Argument(help: "The agent's id.")
        var id: String

        @Option(help: "The agency the agent now belongs to.")
        var agency: String?

        @Option(help: "The roles the agent now holds, all of them, separated by commas ('' for none).",
                transform: AgentsCommand.roles)
        var roles: Set<String>?

        @Option(help: "Roles to add to those the agent holds, separated by commas.", transform: AgentsCommand.roles)
        var addRoles: Set<String> = []

        @Option(help: "Roles to take away, separated by commas.", transform: AgentsCommand.roles)
        var removeRoles: Set<String> = []

        @Flag(inversion: .prefixedNo, help: "Whether the agent may publish workflows.")
        var designer: Bool?

        @Flag(inversion: .prefixedNo, help: "Whether the agent may override and reopen the cases it sees.")
        var supervisor: Bool?

        @OptionGroup var identity: AgentIdentityOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if roles != nil, !(addRoles.isEmpty && removeRoles.isEmpty) {
                throw ValidationError("give either --roles (all of them) or --add-roles/--remove-roles, not both")
            }
            if agency == nil, roles == nil, addRoles.isEmpty, removeRoles.isEmpty, designer == nil, supervisor == nil, !identity.given {
                throw ValidationError("nothing to change: give --agency, --roles, --add-roles, --remove-roles, --designer/--no-designer, --supervisor/--no-supervisor or an --oidc-… option")
            }
        }

        func run() async throws {
            try await database.withSession { session in
                let store = AgentStore(session.database)
                let update = try await CaseInput.exitingOnFailure {
                    guard let current = try await store.agent(id: id) else {
                        throw StoreError(.notFound, "there is no agent '\(id)'; 'workflow agents list' shows them")
                    }
                    var newRoles = roles
                    if !addRoles.isEmpty || !removeRoles.isEmpty { newRoles = current.roles.union(addRoles).subtracting(removeRoles) }
                    let newIdentity = identity.given
                        ? try identity.identity(over: try await AgentIdentityStore(session.database).identity(of: id)) : nil
                    return try await store.update(id: id, AgentChange(agency: agency, roles: newRoles, designer: designer,
                                                                     supervisor: supervisor, identity: newIdentity),
                                                  by: Operator.recorded)
                }
                if output.json {
                    var members = AgentOutput.json(update.agent, now: Date(), identity: update.identity).objectValue ?? [:]
                    members["changed"] = .bool(update.changed)
                    members["rights_shrank"] = .bool(update.rightsShrank)
                    members["sessions_ended"] = .number(JSONNumber(update.sessionsEnded))
                    print(JSONValue.object(members).serialized())
                } else {
                    output.print(update.agent, token: nil, verb: update.changed ? "updated" : "unchanged")
                    if let line = AgentOutput.identityText(update.identity) { print(line) }
                    if update.rightsShrank {
                        print("sessions ended: \(update.sessionsEnded) (the agent lost a right; its next page asks it to sign in again)")
                    }
                }
                if update.changed { await AgentRoleCheck.warn(about: update.agent, session: session) }
            }
        }
    }
}
