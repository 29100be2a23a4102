import ArgumentParser
import Foundation
import Workflow

/// `workflow publish FILE...`: stores each workflow version, immutable from then on.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Validate and publish workflow files; a published id and version never changes.",
        discussion: "Publishing the same file again does nothing; a different file under a published id and version is refused.")

    @Argument(help: "Workflow files (.yaml), or folders of them.")
    var files: [String]

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let paths = try WorkflowFiles.expand(files)
        try await database.withSession { session in
            let repository = WorkflowRepository(session.database)
            var failed = false
            for path in paths {
                let bytes: [UInt8]
                switch WorkflowFiles.read(path) {
                case .success(let read): bytes = read
                case .failure(let problem):
                    failed = true
                    Output.error("\(path): error: \(problem.message)")
                    continue
                }
                do {
                    switch try await repository.publish(bytes, named: path, publishedBy: Operator.recorded) {
                    case .published(let id, let version): print("\(path): published \(id) version \(version)")
                    case .alreadyPublished(let id, let version): print("\(path): \(id) version \(version) is already published (same file)")
                    }
                } catch let error as StoreError {
                    failed = true
                    for diagnostic in error.diagnostics where diagnostic.severity == .error {
                        Output.error(diagnostic.formatted(file: path))
                    }
                    Output.error("\(path): error: \(error.message)")
                } catch {
                    failed = true
                    Output.error("\(path): error: \(Database.describe(error))")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
