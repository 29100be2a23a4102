import Foundation
import Hummingbird
import Workflow

/// Runs a store call that the engine may refuse, and turns a refusal into the problem the
/// caller may read: 403 when their role may not, 409 for a stale version, 422 otherwise with
/// the engine's code, naming the field only when the caller may see it.
enum EngineCall {
    static func run<T>(access: CaseAccess, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError where error.code == .refused {
            guard let refusal = error.refusal else { throw Problem(.unprocessableContent, error.message) }
            throw problem(for: refusal, access: access)
        } catch let error as StoreError where error.code == .conflict {
            throw Problem(.conflict, error.message)
        }
    }

    static func problem(for refusal: Refusal, access: CaseAccess) -> Problem {
        let status: HTTPResponse.Status = [.roleNotAllowed, .notAllowed].contains(refusal.code) ? .forbidden : .unprocessableContent
        var members: [String: JSONValue] = ["code": .string(refusal.code.name)]
        guard let field = refusal.field else {
            // A guard's message quotes its condition and may quote a value: when it names a
            // field the caller cannot see, say only that the condition is not met.
            let hidden = access.definition.fields.map(\.path.value).filter { !access.mayView(field: $0) }
            if hidden.contains(where: { refusal.message.contains($0) }) {
                return Problem(status, "the action's condition is not met; it concerns data you cannot see", members: members)
            }
            return Problem(status, refusal.message, members: members)
        }
        guard access.mayView(field: field) else {
            return Problem(status, "data you cannot see is missing or invalid; an agent who can see it must provide it",
                           members: members)
        }
        members["field"] = .string(field)
        return Problem(status, refusal.message, pointer: "/data/" + field.replacingOccurrences(of: ".", with: "/"), members: members)
    }
}
