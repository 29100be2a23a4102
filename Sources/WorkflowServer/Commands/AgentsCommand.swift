import ArgumentParser

/// `workflow agents …`: the agents who call the API and their bearer tokens, managed by an
/// operator at the shell. Each subcommand lives in `Agents/AgentsCommand+NAME.swift`.
struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Add agents with a bearer token, list them, change their rights, revoke them, rotate their tokens.",
        discussion: """
            An agent belongs to one agency and holds roles; in each workflow, it sees and does what \
            its agency and the roles the workflow gives that agency allow (see docs/access.md). A \
            token is printed once, when it is made; only its SHA-256 is stored.
            """,
        subcommands: [Add.self, List.self, Update.self, Changes.self, Revoke.self, Rotate.self])
}
