import ArgumentParser

/// `workflow cases …`: drive cases from a shell, as an operator (`cli:NAME` in the history).
/// Each subcommand lives in `Cases/CasesCommand+NAME.swift`.
struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Create, show and act on cases, and resolve their escalations.",
        subcommands: [Create.self, Show.self, Act.self, List.self,
                      Evaluate.self, Correct.self, Override.self, Raise.self, HandOver.self, Referent.self, Import.self, Migrate.self])
}
