import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases hand-over ID TASK-ID QUEUE`: move an open task to another queue.
    struct HandOver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hand-over",
            abstract: "Hand an open task of a case (an escalation or ordinary work) to another queue.",
            discussion: """
                The task is closed and the same work opens in QUEUE, with that queue's SLA. Task ids \
                are listed by 'cases show'. A refusal exits 1; a stale --expected-version exits 3.
                """)

        @Argument(help: "The case id.")
        var id: String

        @Argument(help: "The open task's id, as printed by 'cases show'.")
        var taskID: String

        @Argument(help: "The queue that takes the task over.")
        var queue: String

        @Option(help: "Why the task changes hands.")
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
            let task = try CaseInput.taskID(taskID)
            try await CasesCommand.apply(.handOver(taskID: task, queue: queue), note: note, noteVisibleTo: noteVisibleTo.isEmpty ? nil : noteVisibleTo, to: caseID,
                                         expectedVersion: expectedVersion, command: "hand-over", output: output, database: database)
        }
    }
}
