import ArgumentParser
import Workflow

extension CasesCommand {
    /// `workflow cases create WORKFLOW`: a new case on a published workflow.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a case on a published workflow.")

        @Argument(help: "The workflow id.")
        var workflow: String

        @Option(help: "A JSON file with the case data (a JSON object; dotted paths are nested members).")
        var data: String?

        @Option(help: "The workflow version (default: the latest published).")
        var version: Int?

        @Option(help: "The citizen's reference (the portal's identifier for the person).")
        var citizenRef: String?

        @OptionGroup var output: OutputOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let payload = try data.map(CaseInput.readObject) ?? .object([:])
            try await database.withSession { session in
                let reading = try await CaseInput.exitingOnFailure {
                    try await session.door.withHistory(try await session.door.create(workflow: workflow, version: version, data: payload,
                                                                                     citizenRef: citizenRef, by: Operator.caller("cli: cases create")))
                }
                output.print(reading)
            }
        }
    }
}
