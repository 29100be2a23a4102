import ArgumentParser
import Foundation
import Workflow

extension CasesCommand {
    /// `workflow cases import FILE`: many cases at once, one JSON object per line, each created
    /// in its own transaction (a bad line is reported with its number and the rest go on).
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Create cases from a JSON Lines file: one {\"workflow\", \"data\", \"citizen_ref\", \"version\"} per line.",
            discussion: """
                Prints the id of each case created, one per line. A line that cannot be read or \
                whose case is refused is reported as FILE:LINE with the reason, and the others \
                are still created; the exit status is then 1.
                """)

        @Argument(help: "The JSON Lines file (- for standard input).")
        var file: String

        @Option(help: "The workflow of lines that name none.")
        var workflow: String?

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let lines = try Self.lines(of: file)
            let requests = try lines.enumerated().compactMap { index, line -> (Int, Result<Request, ValidationError>)? in
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                return (index + 1, Self.parse(text, defaultWorkflow: workflow))
            }
            var failures = 0
            try await database.withSession { session in
                for (number, request) in requests {
                    switch request {
                    case .failure(let error):
                        failures += 1
                        Output.error("\(file):\(number): \(error.message)")
                    case .success(let request):
                        do {
                            let reading = try await session.door.create(
                                workflow: request.workflow, version: request.version, data: request.data,
                                citizenRef: request.citizenRef, by: Operator.caller("cli: cases import"))
                            print(reading.id.lowercasedString)
                        } catch let failure as CaseFailure {
                            failures += 1
                            let code = failure.refusal.map { "refused: \($0)\(failure.problems.first?.field.map { " (field \($0))" } ?? ""): " } ?? "error: "
                            Output.error("\(file):\(number): \(code)\(failure.message)")
                        } catch let error as StoreError {
                            failures += 1
                            let code = error.refusal.map { "refused: \($0.code)\($0.field.map { " (field \($0))" } ?? ""): " } ?? "error: "
                            Output.error("\(file):\(number): \(code)\(error.message)")
                        }
                    }
                }
            }
            if failures > 0 {
                Output.error("\(failures) of \(requests.count) cases not created")
                throw ExitCode(1)
            }
        }

        private static func parse(_ text: String, defaultWorkflow: String?) -> Result<Request, ValidationError> {
            do {
                return .success(try Request(text, defaultWorkflow: defaultWorkflow))
            } catch let error as ValidationError {
                return .failure(error)
            } catch {
                return .failure(ValidationError("\(error)"))
            }
        }

        private static func lines(of path: String) throws -> [Substring] {
            let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
            guard let data, let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("\(path): cannot be read as UTF-8 text")
            }
            return text.split(separator: "\n", omittingEmptySubsequences: false)
        }
    }

    /// One line of an import file.
    struct Request {
        var workflow: String
        var version: Int?
        var data: JSONValue
        var citizenRef: String?

        init(_ line: String, defaultWorkflow: String?) throws {
            let value: JSONValue
            do {
                value = try JSONValue(parsing: Data(line.utf8))
            } catch {
                throw ValidationError("not valid JSON: \(error)")
            }
            guard value.objectValue != nil else { throw ValidationError("each line must be a JSON object") }
            guard let workflow = value.value(at: "workflow")?.stringValue ?? defaultWorkflow else {
                throw ValidationError("no \"workflow\" on this line and no --workflow")
            }
            self.workflow = workflow
            data = value.value(at: "data") ?? .object([:])
            guard data.objectValue != nil else { throw ValidationError("\"data\" must be a JSON object") }
            citizenRef = value.value(at: "citizen_ref")?.stringValue
            if let version = value.value(at: "version") {
                guard let number = version.numberValue?.int else { throw ValidationError("\"version\" must be a whole number") }
                self.version = number
            }
        }
    }
}
