import ArgumentParser
import Foundation
import Workflow

/// `workflow supervise delays`: time held per party and per state in a period.
struct SuperviseDelaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delays",
        abstract: "Time cases spent per party (whose move it was) and per state in a period, from the history.")

    @Option(help: "Only cases of this workflow.") var workflow: String?
    @OptionGroup var period: PeriodOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (from, to) = period.period
        var filter = DelayReport.Filter(from: from, to: to)
        filter.workflowID = workflow
        try await database.withSession { session in
            let report = try await CaseInput.exitingOnFailure { try await DelayReport(session.database).run(filter, scope: .everything) }
            print(output.json ? SupervisionOutput.json(report).serialized() : SupervisionOutput.text(report))
        }
    }
}
