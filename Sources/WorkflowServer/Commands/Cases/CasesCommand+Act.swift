import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases act ID ACTION`: fire an action of the state, a track or `global_actions`.
    struct Act: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "act",
            abstract: "Fire an action on a case.",
            discussion: "A refused action prints the reason and exits 1; a stale --expected-version exits 3.")

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "The action, as named under 'on' or 'global_actions'.")
        var action: String

        @Option(help: "A JSON file with data merged into the case before guards are checked (null removes a field; - reads standard input).")
        var data: String?

        @Option(help: "The justification or comment recorded with the action.")
        var note: String?

        @Option(name: .customLong("note-visible-to"),

                help: "Who may read the note: an agency, role:ID or all; repeat for several (default: every agency, for an operator).")

        var noteVisibleTo: [String] = []

        @Option(help: "The parallel track to fire the action in, when several open tracks offer it.")
        var track: String?

        @Option(help: "Refuse the action if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            let payload = try data.map(CaseInput.readObject)
            try await CasesCommand.apply(.action(name: action, data: payload, track: track), note: note, noteVisibleTo: noteVisibleTo.isEmpty ? nil : noteVisibleTo, to: caseID,
                                         expectedVersion: expectedVersion, command: "act", output: output, database: database)
        }
    }
}
