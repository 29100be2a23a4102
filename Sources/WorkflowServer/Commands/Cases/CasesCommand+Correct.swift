import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases correct ID --data FILE`: merge a correction into the case's data.
    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "correct",
            abstract: "Correct a case's data; the case does not move (run 'cases evaluate' next).",
            discussion: "Invalid data is refused with the field and exits 1; a stale --expected-version exits 3.")

        @Argument(help: "The case id.")
        var id: String

        @Option(help: "A JSON file with the correction, merged into the data (null removes a field; - reads standard input).")
        var data: String

        @Option(help: "Why the data was corrected.")
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
            let correction = try CaseInput.readObject(data)
            try await CasesCommand.apply(.correctData(correction), note: note, noteVisibleTo: noteVisibleTo.isEmpty ? nil : noteVisibleTo, to: caseID, expectedVersion: expectedVersion,
                                         command: "correct", output: output, database: database)
        }
    }
}
