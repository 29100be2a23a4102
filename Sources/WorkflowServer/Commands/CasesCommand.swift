import ArgumentParser
import Foundation
import Workflow

/// `workflow cases …`: drive cases from a shell, as an operator (`cli:NAME` in the history).
struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Create, show and act on cases.",
        subcommands: [Create.self, Show.self, Act.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a case on a published workflow.")

        @Argument(help: "The workflow id.")
        var workflow: String

        @Option(help: "A JSON file with the case data (a JSON object; dotted paths are nested members).")
        var data: String?

        @Option(help: "The workflow version (default: the latest published).")
        var version: Int?

        @Option(help: "The citizen's reference (the portal's identifier for the person).")
        var citizenRef: String?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let payload = try data.map(CaseInput.readObject) ?? .object([:])
            try await database.withSession { session in
                let record = try await CaseInput.exitingOnFailure {
                    try await session.cases.create(workflowID: workflow, version: version, data: payload,
                                                   actor: Operator.actor, citizenRef: citizenRef)
                }
                output.print(record)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, a page at a time (by id).")

        @Option(help: "Only cases of this workflow.")
        var workflow: String?

        @Option(help: "Only cases in this state.")
        var state: String?

        @Option(help: "Only cases whose move it is of this party (usager, an agency, engine).")
        var waitingOn: String?

        @Flag(help: "Only open cases.")
        var open = false

        @Flag(help: "Only escalated cases.")
        var escalated = false

        @Option(help: "Continue after this case id (the last one of the previous page).")
        var after: String?

        @Option(help: "How many cases (at most 500).")
        var limit = 50

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let cursor = try after.map(CaseInput.caseID)
            try await database.withSession { session in
                let filter = CaseStore.Filter(workflowID: workflow, state: state, openOnly: open, escalatedOnly: escalated,
                                              waitingOn: waitingOn, after: cursor, limit: limit)
                let cases = try await CaseInput.exitingOnFailure { try await session.cases.list(filter) }
                output.print(cases)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case: state and tracks, whose move, tasks, escalations, history.")

        @Argument(help: "The case id.")
        var id: String

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await database.withSession { session in
                output.print(try await CaseInput.exitingOnFailure { try await session.cases.read(caseID) })
            }
        }
    }

    struct Act: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fire an action on a case.",
            discussion: "A refused action prints the reason and exits 1; a stale --expected-version exits 3.")

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "The action, as named under 'on' or 'global_actions'.")
        var action: String

        @Option(help: "A JSON file with data merged into the case before guards are checked (null removes a field).")
        var data: String?

        @Option(help: "The justification or comment recorded with the action.")
        var note: String?

        @Option(help: "The parallel track to fire the action in, when several open tracks offer it.")
        var track: String?

        @Option(help: "Refuse the action if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            let payload = try data.map(CaseInput.readObject)
            try await database.withSession { session in
                let event = CaseEvent(.action(name: action, data: payload, track: track), actor: Operator.actor, note: note)
                let record = try await CaseInput.exitingOnFailure {
                    try await session.cases.apply(event, toCase: caseID, expectedVersion: expectedVersion)
                }
                output.print(record)
            }
        }
    }
}
