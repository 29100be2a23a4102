import ArgumentParser
import Foundation
import Workflow

/// `workflow supervise referents`: open cases without a referent, by workflow and age, and
/// each referent's load.
struct SuperviseReferentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referents",
        abstract: "Open cases without a referent by workflow and age, and how many open cases each referent answers for.")

    @OptionGroup var output: OutputOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withSession { session in
            let report = try await CaseInput.exitingOnFailure {
                try await session.door.referentReport(by: Operator.caller("cli: supervise referents"))
            }
            print(output.json ? SupervisionOutput.json(report).serialized() : SupervisionOutput.text(report))
        }
    }
}
