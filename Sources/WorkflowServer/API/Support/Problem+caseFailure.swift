import Hummingbird
import Workflow

extension Problem {
    /// The door's refusal as a problem: 404, 403, 409, 400 or 422 with the engine's code, and
    /// every problem at once in `errors` (each with its `detail` and, where it may be told,
    /// its `pointer` and `field`); the first problem's pointer is the problem's own.
    init(_ failure: CaseFailure) {
        let status: HTTPResponse.Status = switch failure.code {
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .invalid: .badRequest
        default: .unprocessableContent
        }
        var members: [String: JSONValue] = [:]
        if let code = failure.refusal { members["code"] = .string(code.name) }
        if let field = failure.problems.first?.field { members["field"] = .string(field) }
        if !failure.problems.isEmpty {
            members["errors"] = .array(failure.problems.map { problem in
                var error: [String: JSONValue] = ["detail": .string(problem.detail)]
                if let pointer = problem.pointer { error["pointer"] = .string(pointer) }
                if let field = problem.field { error["field"] = .string(field) }
                return .object(error)
            })
        }
        self.init(status, failure.message, pointer: failure.problems.first?.pointer, members: members)
    }
}
