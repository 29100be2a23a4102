import ArgumentParser
import Foundation
import Workflow

/// Reading what the `cases` commands are given, and turning store errors into exit codes.
enum CaseInput {
    static func caseID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw ValidationError("'\(text)' is not a case id (a UUID)") }
        return id
    }

    static func taskID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("'\(text)' is not a task id (a UUID, as listed under 'open tasks' by 'cases show')")
        }
        return id
    }

    /// A JSON object from a file (`-` for standard input).
    static func readObject(_ path: String) throws -> JSONValue {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw ValidationError("\(path): cannot be read")
            }
            data = contents
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw ValidationError("\(path): not valid JSON: \(error)")
        }
        guard value.objectValue != nil else { throw ValidationError("\(path): the data must be a JSON object, such as {\"usager\": {\"nom\": \"…\"}}") }
        return value
    }

    /// Runs a store call; any failure prints its reason (a refusal, a missing case, a
    /// database error) and exits 1, a conflict exits 3, so scripts can tell them apart.
    static func exitingOnFailure<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error.code {
            case .refused:
                let field = error.refusal?.field.map { " (field \($0))" } ?? ""
                Output.error("refused: \(error.refusal?.code.name ?? "refused")\(field): \(error.message)")
                throw ExitCode(1)
            case .conflict:
                Output.error("conflict: \(error.message)")
                throw ExitCode(3)
            default:
                Output.error("error: \(error.message)")
                throw ExitCode(1)
            }
        } catch let failure as CaseFailure {
            defer {
                // Every problem on a line of its own, with where it is when it may be told.
                if failure.problems.count > 1 || failure.code == .invalid {
                    for problem in failure.problems { Output.error("  - \(problem.detail)\(problem.pointer.map { " (\($0))" } ?? "")") }
                }
            }
            switch failure.code {
            case .conflict:
                Output.error("conflict: \(failure.message)")
                throw ExitCode(3)
            case .refused, .forbidden:
                let field = failure.problems.first?.field.map { " (field \($0))" } ?? ""
                Output.error("refused: \(failure.refusal?.name ?? failure.code.name)\(field): \(failure.message)")
                throw ExitCode(1)
            default:
                Output.error("error: \(failure.message)")
                throw ExitCode(1)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            Output.error("error: \(Database.describe(error))")
            throw ExitCode(1)
        }
    }
}
