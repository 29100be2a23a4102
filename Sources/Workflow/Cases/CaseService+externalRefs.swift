import Foundation

/// Another system names a case by its own file number (language brief, "Inbound"): each
/// agency sets its own reference on the cases it knows, and addresses them by it.
extension CaseService {
    /// The case `agency`'s reference `ref` names, when the caller may know it; else not
    /// found, the same answer as for no such reference.
    public func caseID(agency: String, ref: String, by caller: CaseCaller) async throws -> UUID {
        let missing = CaseFailure.notFound("no case with the reference '\(ref)' of \(agency)")
        guard let id = try await ExternalRefStore(database: database).caseID(agency: agency, ref: ref) else { throw missing }
        do {
            _ = try await known(id, by: caller, history: false)
        } catch let failure as CaseFailure where failure.code == .notFound {
            throw missing
        }
        return id
    }

    /// Sets the caller's own agency's reference for a case it knows (1 to 100 characters, no
    /// control character); another case of the agency already named so is a conflict.
    public func setExternalRef(_ id: UUID, ref: String, by caller: CaseCaller) async throws -> CaseReading {
        guard case .agent(let agent) = caller.kind else {
            throw CaseFailure(.forbidden, "only an agency's agents or systems set its reference for a case")
        }
        let trimmed = ref.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CaseFailure(.invalid, "a reference is 1 to 100 characters, without control characters",
                              problems: [.init("a reference is 1 to 100 characters, without control characters", pointer: "/ref")])
        }
        let (_, rules) = try await known(id, by: caller, history: false)
        do {
            try await ExternalRefStore(database: database).set(trimmed, agency: agent.agency, on: id, by: rules.actor, via: caller.via)
        } catch let error as StoreError where error.code == .conflict {
            throw CaseFailure(.conflict, error.message)
        }
        return try await read(id, by: caller)
    }
}
