import ArgumentParser
import Foundation
import Workflow

/// `workflow supervise escalations`: escalations of a period by reason, state, queue and age, and the overrides.
struct SuperviseEscalationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalations",
        abstract: "Escalations opened in a period, by reason, state, queue and age, open and resolved; the overrides and their notes.")

    @Option(help: "Only cases of this workflow.") var workflow: String?
    @Option(name: .customLong("overrides-limit"), help: "How many overrides to list, newest first (at most 500).")
    var overridesLimit = 100
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...500).contains(overridesLimit) else { throw ValidationError("--overrides-limit must be from 1 to 500") }
    }

    func run() async throws {
        let (from, to) = period.period
        var filter = EscalationReport.Filter(from: from, to: to)
        filter.workflowID = workflow
        filter.overrideLimit = overridesLimit
        try await database.withSession { session in
            let report = try await CaseInput.exitingOnFailure { try await EscalationReport(session.database).run(filter, scope: .everything) }
            print(output.json ? SupervisionOutput.json(report).serialized() : SupervisionOutput.text(report))
        }
    }
}
