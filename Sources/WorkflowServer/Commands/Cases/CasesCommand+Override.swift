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
                case is reopened this way, on appeal. With --to-version, the case moves to that \
                version of its workflow and enters STATE there (a case a migration could not move). \
                --note is mandatory. Overrides are listed by \
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

        @Option(help: "Move the case to this published version of its workflow, into STATE (settles a 'migration-misfit').")
        var toVersion: Int?

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
            if let toVersion {
                guard track == nil else { throw ValidationError("--to-version moves the whole case: name a state of the main machine, without --track") }
                try await database.withSession { session in
                    let reading = try await CaseInput.exitingOnFailure {
                        try await session.door.withHistory(try await session.door.migrate(
                            caseID, toVersion: toVersion, overridingTo: state, note: note, expectedVersion: expectedVersion,
                            by: Operator.caller("cli: cases override --to-version")))
                    }
                    output.print(reading)
                }
                return
            }
            try await CasesCommand.apply(.override(state: state, track: track), note: note, to: caseID,
                                         expectedVersion: expectedVersion, command: "override", output: output, database: database)
        }
    }
}
