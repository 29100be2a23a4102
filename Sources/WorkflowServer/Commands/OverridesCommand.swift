import ArgumentParser
import Foundation
import Workflow

/// `workflow overrides`: the overrides recorded in case histories, newest first, for review.
struct OverridesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overrides",
        abstract: "List the overrides of cases, newest first, with who made them and why.",
        discussion: "Each line: time, case, workflow and version, actor, from state → to state (and track), the justification.")

    @Option(help: "Only overrides of cases of this workflow.")
    var workflow: String?

    @Option(help: "Only overrides since this time: RFC 3339 (2026-03-01T09:30:00Z) or a day (2026-03-01, from midnight UTC).",
            transform: OverridesCommand.moment)
    var since: Date?

    @Option(help: "How many overrides (at most 500).")
    var limit = 50

    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1 (it is \(limit))") }
    }

    func run() async throws {
        try await database.withSession { session in
            let filter = OverrideLog.Filter(workflowID: workflow, since: since, limit: limit)
            let overrides = try await CaseInput.exitingOnFailure { try await OverrideLog(session.database).list(filter) }
            output.print(overrides)
        }
    }

    /// An RFC 3339 time, or a day taken from its midnight in UTC (the time zone of every printed time).
    static func moment(_ text: String) throws -> Date {
        if let time = RFC3339.parse(text) { return time }
        if let day = CalendarDate(text) { return day.startOfDay(in: TimeZone(identifier: "UTC")!) }
        throw ValidationError("'\(text)' is neither a day (2026-03-01) nor an RFC 3339 time (2026-03-01T09:30:00Z)")
    }
}
