import ArgumentParser
import Foundation
import Workflow

/// `workflow graph FILE`: the workflow as Graphviz DOT or Mermaid.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a workflow as Graphviz DOT (default) or Mermaid.",
        discussion: "Render DOT to SVG with: workflow graph FILE | dot -Tsvg > FILE.svg"
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @Argument(help: "A workflow file (.yaml).")
    var file: String

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    func run() throws {
        let definition = try WorkflowFiles.loadValid(file, before: "drawing it", invalidExit: 1)
        let diagram = WorkflowDiagram(definition)
        print(format == .dot ? diagram.dot() : diagram.mermaid(), terminator: "")
    }
}
