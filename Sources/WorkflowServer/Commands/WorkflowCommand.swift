import ArgumentParser

/// The `workflow` command: validate, draw and publish workflows, and drive cases.
@main
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Parcours: a case-management workflow engine for files that cross administrations.",
        subcommands: [ValidateCommand.self, GraphCommand.self, DiffCommand.self, MigrateCommand.self, PublishCommand.self,
                      CasesCommand.self, OverridesCommand.self, WorkerCommand.self, DBCommand.self,
                      AgentsCommand.self, WebhooksCommand.self, ServeCommand.self, SuperviseCommand.self]
    )
}
