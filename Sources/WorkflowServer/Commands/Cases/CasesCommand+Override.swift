import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases override ID STATE --note TEXT`: move a case to any state, with a justification.
    struct Override: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "override",
            abstract: "Move a case to any state of its workflow, with a written justification.",
            discussion: """
                Closes what belonged to the state left (its tasks, escalations and timers). A closed \
                case is reopened this way, on appeal. --note is mandatory. Overrides are listed by \
                'workflow overrides'. A refusal exits 1; a stale --expected-version exits 3.
                """)

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "The state to move the case to (a state of --track when one is named).")
        var state: String

        @Option(help: "The justification, recorded in the history (mandatory).")
        var note: String?

        @Option(help: "Move this parallel track of the current state instead of the case.")
        var track: String?

        @Option(help: "Refuse if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            // Said here, before any database work; the engine refuses a blank note as well.
            guard let note, !note.allSatisfy(\.isWhitespace) else {
                throw ValidationError("an override needs a written justification: add --note \"why the case goes to '\(state)'\"")
            }
        }

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await CasesCommand.apply(.override(state: state, track: track), note: note, to: caseID,
                                         expectedVersion: expectedVersion, command: "override", output: output, database: database)
        }
    }
}
