import Foundation

extension CaseService {
    /// A store error as the caller may be told it: a refusal keeps its code and names each
    /// field the caller may see (an undeclared one as undeclared: the workflow's fields are not
    /// secret), never one they may not; a guard that reads hidden data says only that.
    static func failure(_ error: StoreError, rules: CaseRules) -> Error {
        switch error.code {
        case .conflict: return CaseFailure(.conflict, error.message)
        case .notFound: return CaseFailure(.notFound, error.message)
        case .refused:
            guard let refusal = error.refusal else { return CaseFailure(.refused, error.message) }
            return failure(refusal, rules: rules)
        default: return error
        }
    }

    static func failure(_ refusal: Refusal, rules: CaseRules) -> CaseFailure {
        var forbidden: Set<Refusal.Code> = [.roleNotAllowed, .notAllowed]
        if rules.isCitizen { forbidden.insert(.actionNotAvailable) }
        let code: CaseFailure.Code = forbidden.contains(refusal.code) ? .forbidden : .refused
        guard !refusal.fieldProblems.isEmpty else {
            // A guard's message quotes its condition and may quote a value: when it names a
            // field the caller cannot see, say only that the condition is not met.
            let hidden = rules.definition.fields.map(\.path.value).filter { !rules.mayView(field: $0) }
            if rules.isCitizen {
                return CaseFailure(code, citizenMessage(refusal), refusal: refusal.code)
            }
            if hidden.contains(where: { refusal.message.contains($0) }) {
                return CaseFailure(code, "the action's condition is not met; it concerns data you cannot see", refusal: refusal.code)
            }
            return CaseFailure(code, refusal.message, refusal: refusal.code)
        }
        var problems: [CaseFailure.Problem] = []
        var hidden = 0
        for problem in refusal.fieldProblems {
            let field = problem.field
            if !rules.isDeclared(field) {
                problems.append(.init("'\(field)' is not a field of workflow '\(rules.definition.id.value)'", field: field,
                                      pointer: DataPaths.pointer(field)))
            } else if rules.mayView(field: field) {
                let detail = rules.isCitizen ? citizenDetail(refusal.code, field: field, rules: rules) : problem.message
                problems.append(.init(detail, field: field, pointer: DataPaths.pointer(field)))
            } else {
                hidden += 1
            }
        }
        if hidden > 0 {
            problems.append(.init(rules.isCitizen
                ? "the administration must first complete information of its own"
                : "data you cannot see is missing or invalid; an agent who can see it must provide it"))
        }
        let message = problems.count == 1 ? problems[0].detail
            : "\(problems.count) problems: " + problems.map(\.detail).joined(separator: "; ")
        return CaseFailure(code, message, refusal: refusal.code, problems: problems)
    }

    /// A refusal in the person's words, for the portal: what they can do about it.
    private static func citizenMessage(_ refusal: Refusal) -> String {
        switch refusal.code {
        case .actionNotAvailable, .unknownAction, .roleNotAllowed, .notAllowed:
            "this step is not open to you now"
        case .caseClosed:
            "this request is closed"
        case .unknownRequest:
            // The workflow's requests are the portal's to show: naming them tells nothing new.
            refusal.message
        default:
            "this cannot be done now (\(refusal.code.name))"
        }
    }

    /// One field of a refusal for the person, by its label.
    private static func citizenDetail(_ code: Refusal.Code, field: String, rules: CaseRules) -> String {
        let label = rules.label(ofField: field)
        switch code {
        case .requiredFieldMissing: return "missing information: \(label)"
        case .invalidData: return "the information '\(label)' is not valid"
        default: return "'\(label)': \(code.name)"
        }
    }
}
