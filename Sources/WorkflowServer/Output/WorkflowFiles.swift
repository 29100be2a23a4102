import ArgumentParser
import Foundation
import Workflow

/// Finding and reading workflow files named on the command line.
enum WorkflowFiles {
    struct ReadProblem: Error {
        var message: String
    }

    /// The files named, with each folder replaced by the `.yaml` / `.yml` files inside it.
    static func expand(_ arguments: [String]) throws -> [String] {
        var paths: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                let yaml = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                paths += yaml.map { (argument as NSString).appendingPathComponent($0) }
            } else {
                paths.append(argument)
            }
        }
        if paths.isEmpty { throw ValidationError("no workflow file found in \(arguments.joined(separator: ", "))") }
        return paths
    }

    static func read(_ path: String) -> Result<[UInt8], ReadProblem> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return .failure(ReadProblem(message: "no such file"))
        }
        if isFolder.boolValue { return .failure(ReadProblem(message: "is a folder, not a workflow file")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadProblem(message: "cannot be read (check its permissions)"))
        }
        return .success([UInt8](data))
    }

    /// A valid workflow file for a command that needs one (to compare it, to draw it), or
    /// its errors on standard error and the exit code: 2 when it cannot be read,
    /// `invalidExit` when it has errors.
    static func loadValid(_ file: String, before purpose: String, invalidExit: Int32) throws -> WorkflowDefinition {
        switch read(file) {
        case .failure(let problem):
            Output.error("\(file): error: \(problem.message)")
            throw ExitCode(2)
        case .success(let bytes):
            let document = WorkflowLoader.loadFile(bytes, named: file)
            guard let definition = document.definition, !document.diagnostics.hasErrors else {
                for diagnostic in document.diagnostics where diagnostic.severity == .error {
                    Output.error(diagnostic.formatted(file: file))
                }
                Output.error("\(file): error: the workflow has errors; fix them before \(purpose) (see 'workflow validate')")
                throw ExitCode(invalidExit)
            }
            return definition
        }
    }
}
