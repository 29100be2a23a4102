import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases evaluate ID`: evaluate the current state again, after a correction.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Evaluate the case's current state again (after a data correction).",
            discussion: """
                An auto state routes again and a parallel state decides its undecided tracks; the \
                escalations this no longer raises are closed. A stale --expected-version exits 3.
                """)

        @Argument(help: "The case id.")
        var id: String

        @Option(help: "A comment recorded with the evaluation.")
        var note: String?

        @Option(name: .customLong("note-visible-to"),

                help: "Who may read the note: an agency, role:ID or all; repeat for several (default: every agency, for an operator).")

        var noteVisibleTo: [String] = []

        @Option(help: "Refuse if the case is no longer at this version.")
        var expectedVersion: Int?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let caseID = try CaseInput.caseID(id)
            try await CasesCommand.apply(.evaluateAgain, note: note, noteVisibleTo: noteVisibleTo.isEmpty ? nil : noteVisibleTo, to: caseID, expectedVersion: expectedVersion,
                                         command: "evaluate", output: output, database: database)
        }
    }
}
