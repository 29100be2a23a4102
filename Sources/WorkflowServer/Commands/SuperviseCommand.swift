import ArgumentParser
import Foundation
import Workflow

/// `workflow supervise`: the supervisors' questions at the command line, over every workflow
/// (an operator sees everything): stuck cases, escalations, delays by party and state.
struct SuperviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervise",
        abstract: "Supervision reports: stuck cases, escalations and overrides, time held by each party, referents.",
        discussion: "The same reports as GET /api/v1/supervision/…, over every workflow. No case data is printed.",
        subcommands: [SuperviseStuckCommand.self, SuperviseEscalationsCommand.self, SuperviseDelaysCommand.self,
                      SuperviseReferentsCommand.self])

    /// A duration as workflows write them (`3d`, `12h`, `P10D`).
    static func duration(_ text: String) throws -> WorkflowDuration {
        guard let duration = WorkflowDuration(text) else {
            throw ValidationError("'\(text)' is not a duration; write 3d, 12h, 2w or P10D")
        }
        return duration
    }
}

/// `--from` and `--to` of the period reports; by default the last 30 days.
struct PeriodOptions: ParsableArguments {
    @Option(help: "Start of the period: RFC 3339 or a day (from midnight UTC). Default: 30 days before --to.",
            transform: OverridesCommand.moment)
    var from: Date?

    @Option(help: "End of the period (exclusive): RFC 3339 or a day. Default: now.", transform: OverridesCommand.moment)
    var to: Date?

    func validate() throws {
        if let from, let to, from >= to { throw ValidationError("--from must be before --to") }
    }

    var period: (Date, Date) {
        let end = to ?? Date()
        return (from ?? end.addingTimeInterval(-30 * 86_400), end)
    }
}
