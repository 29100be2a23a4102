import ArgumentParser
import Foundation

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
}
