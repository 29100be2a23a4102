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
        let bytes: [UInt8]
        switch WorkflowFiles.read(file) {
        case .success(let read): bytes = read
        case .failure(let problem):
            FileHandle.standardError.write(Data("\(file): error: \(problem.message)\n".utf8))
            throw ExitCode(2)
        }
        let document = WorkflowLoader.loadFile(bytes, named: file)
        guard let definition = document.definition, !document.diagnostics.hasErrors else {
            for diagnostic in document.diagnostics where diagnostic.severity == .error {
                FileHandle.standardError.write(Data((diagnostic.formatted(file: file) + "\n").utf8))
            }
            FileHandle.standardError.write(Data("\(file): error: the workflow has errors; fix them before drawing it (see 'workflow validate')\n".utf8))
            throw ExitCode(1)
        }
        let diagram = WorkflowDiagram(definition)
        print(format == .dot ? diagram.dot() : diagram.mermaid(), terminator: "")
    }
}
