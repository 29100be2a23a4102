import ArgumentParser
import Foundation
import Workflow

extension AgentsCommand {
    /// `workflow agents changes ID`: the journal of who changed the agent's rights, oldest first.
    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "changes",
            abstract: "Show who changed an agent's agency, roles, rights or sign-in identity, and when.",
            discussion: "Each 'workflow agents update' that changed something is one entry: before, after, and the sessions it ended.")

        @Argument(help: "The agent's id.")
        var id: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withSession { session in
                let changes = try await CaseInput.exitingOnFailure {
                    let store = AgentStore(session.database)
                    guard try await store.agent(id: id) != nil else {
                        throw StoreError(.notFound, "there is no agent '\(id)'; 'workflow agents list' shows them")
                    }
                    return try await store.changes(of: id)
                }
                if output.json {
                    let entries = changes.map { change -> JSONValue in
                        .object(["at": .string(CaseOutput.format(change.at)), "by": .string(change.by),
                                 "before": (try? JSONValue(parsing: change.before)) ?? .string(change.before),
                                 "after": (try? JSONValue(parsing: change.after)) ?? .string(change.after),
                                 "sessions_ended": .number(JSONNumber(change.sessionsEnded))])
                    }
                    print(JSONValue.array(entries).serialized())
                    return
                }
                if changes.isEmpty { print("\(id): never changed since it was added") }
                for change in changes {
                    print("\(CaseOutput.format(change.at))  \(change.by)  \(change.before) -> \(change.after)"
                          + (change.sessionsEnded > 0 ? "  (sessions ended: \(change.sessionsEnded))" : ""))
                }
            }
        }
    }
}
