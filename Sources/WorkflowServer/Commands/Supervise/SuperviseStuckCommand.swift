import ArgumentParser
import Foundation
import Workflow

/// `workflow supervise stuck`: open cases, oldest in their state first.
struct SuperviseStuckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stuck",
        abstract: "Open cases oldest in their state first: whose move it is, time in state and idle, SLA, escalations.")

    @Option(help: "Only cases of this workflow.") var workflow: String?
    @Option(help: "Only cases in this state.") var state: String?
    @Option(name: [.customLong("waiting-on"), .customLong("agency"), .customLong("party")],
            help: "Only cases whose move it is for this party: usager, an agency id, or engine.")
    var waitingOn: String?
    @Option(help: "Only escalated (true) or not escalated (false) cases.") var escalated: Bool?
    @Option(help: "Only cases with an SLA breached (true) or not (false).") var breached: Bool?
    @Option(name: .customLong("min-age"), help: "At least this long in the current state (3d, 12h, 2w, P10D).",
            transform: SuperviseCommand.duration)
    var minAge: WorkflowDuration?
    @Option(name: .customLong("min-idle"), help: "At least this long without any event.", transform: SuperviseCommand.duration)
    var minIdle: WorkflowDuration?
    @Option(help: "Continue after this cursor (printed at the end of a full page).") var after: String?
    @Option(help: "How many cases (at most 500).") var limit = 50

    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be from 1 to 500 (it is \(limit))") }
        if let after, StuckCursor.decode(after) == nil { throw ValidationError("--after is not a cursor printed by this command") }
    }

    func run() async throws {
        var filter = StuckReport.Filter()
        filter.workflowID = workflow
        filter.state = state
        filter.waitingOn = waitingOn
        filter.escalated = escalated
        filter.breached = breached
        filter.minAge = minAge
        filter.minIdle = minIdle
        filter.after = after.flatMap(StuckCursor.decode)
        filter.limit = limit
        try await database.withSession { session in
            let page = try await CaseInput.exitingOnFailure { try await StuckReport(session.database).run(filter, scope: .everything) }
            print(output.json ? SupervisionOutput.json(page, next: page.next.map(StuckCursor.encode)).serialized()
                              : SupervisionOutput.text(page))
        }
    }
}
