import Foundation

/// Requests to other administrations through the door: the answering agency's open
/// requests, its answers, and the citizen's consent, with the same rules, journal and one
/// transaction as every other change.
extension CaseService {
    /// A request waiting for the caller's agency, on a case they may know.
    public struct OpenRequest: Sendable {
        public let id: UUID
        public let caseID: UUID
        public let request: String
        public let label: String
        public let openedAt: Date
        public let dueAt: Date?
        /// The field the answer fills, as the workflow declares it.
        public let field: FieldSpec?
    }

    /// The requests waiting for `agent`'s agency's answer, oldest first, on the cases of
    /// the workflows the agent may know (others stay unseen, as their cases); only `id`
    /// when it is given.
    public func openRequests(for agent: Agent, id: UUID? = nil, limit: Int) async throws -> [OpenRequest] {
        let known = try await accessToAll(for: agent).filter(\.mayKnowCases)
        let byVersion = CaseAccess.byVersion(known)
        return try await RequestStore(database: database).open(agency: agent.agency, scope: .of(known), id: id, limit: limit)
            .compactMap { found in
            guard let access = byVersion[CaseAccess.versionKey(found.workflowID, found.workflowVersion)] else { return nil }
            let definition = access.definition.request(found.request)
            return OpenRequest(id: found.id, caseID: found.caseID, request: found.request, label: definition?.title ?? found.request,
                               openedAt: found.openedAt, dueAt: found.dueAt,
                               field: definition.flatMap { access.definition.field($0.provides.value) })
        }
    }

    /// Answers a request (its run's id) for the agency asked: the value fills the field the
    /// request provides, or the refusal applies its fallback. Returns the case after it, as
    /// the caller may see it, and the request as it now stands.
    public func answerRequest(_ id: UUID, answer: RequestAnswer, note: String?, by caller: CaseCaller) async throws
        -> (reading: CaseReading, request: RequestRun) {
        guard let caseID = try await RequestStore(database: database).caseID(of: id) else {
            throw CaseFailure.notFound("no request \(id.lowercasedString) that you may answer")
        }
        let reading: CaseReading
        do {
            reading = try await change(caseID, CaseRequest(.answerRequest(id: id, answer: answer), note: note), by: caller, check: { record, rules in
                // A request's task one agent took is theirs to answer, as any held task.
                if let task = record.snapshot.tasks.first(where: { $0.request == id }) {
                    try Self.refuseIfHeldByAnother(task, rules: rules)
                }
            })
        } catch var failure as CaseFailure {
            if failure.code == .notFound { throw CaseFailure.notFound("no request \(id.lowercasedString) that you may answer") }
            // The value is the body's `value`, not a path of the case's data.
            for index in failure.problems.indices where failure.problems[index].pointer != nil {
                failure.problems[index].pointer = "/value"
            }
            throw failure
        }
        guard let run = reading.record.snapshot.requests.first(where: { $0.id == id }) else {
            throw CaseFailure.notFound("no request \(id.lowercasedString) that you may answer")
        }
        return (reading, run)
    }

    /// The person gives (`granted`) or revokes their consent to a request of their case.
    public func setConsent(_ caseID: UUID, request: String, granted: Bool, by caller: CaseCaller) async throws -> CaseReading {
        do {
            return try await change(caseID, CaseRequest(.setConsent(request: request, granted: granted)), by: caller)
        } catch var failure as CaseFailure where failure.refusal == .unknownRequest && failure.problems.isEmpty {
            failure.problems = [.init(failure.message, pointer: "/request")]
            throw failure
        }
    }
}
