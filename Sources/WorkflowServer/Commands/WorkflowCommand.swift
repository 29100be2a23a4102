import ArgumentParser

/// The `workflow` command: validate and draw workflows, and (later) run the engine.
@main
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Parcours: a case-management workflow engine for files that cross administrations.",
        subcommands: [ValidateCommand.self, GraphCommand.self]
    )
}
