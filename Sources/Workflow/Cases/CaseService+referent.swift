import Foundation

/// One referent person for each case (language brief, "A referent for each case"): the rules of
/// who names, changes or removes a case's referent, and who may be named, for every front-end.
extension CaseService {
    /// Names `agent` the case's referent, or removes the referent (`agent` nil), and returns the
    /// case as the caller may see it.
    ///
    /// - a supervisor who knows the case (an operator) names, changes or removes it;
    /// - an agent who is not a supervisor may only name themselves, on a case that has no
    ///   referent, when the workflow says `referent.self_assign: true`;
    /// - the one named is an agent, neither revoked nor expired, of an agency of the workflow,
    ///   holding one of the roles `referent.roles` names there (any role of the workflow when
    ///   the key is absent).
    ///
    /// A change is one change of the case: a `referent` history line, the journal's change line,
    /// the case's version moved (a form or client holding the case at an older version is told
    /// it changed). Naming the referent the case already has changes nothing and is no error,
    /// as a PUT should be.
    public func setReferent(_ id: UUID, agent: String?, note: String? = nil, expectedVersion: Int? = nil,
                            by caller: CaseCaller) async throws -> CaseReading {
        if case .citizen = caller.kind { throw CaseFailure(.forbidden, "the person may not name a case's referent") }
        if let note, note.count > Self.referentNoteLimit {
            throw CaseFailure(.invalid, "the note is longer than \(Self.referentNoteLimit) characters",
                              problems: [.init("the note is longer than \(Self.referentNoteLimit) characters", pointer: "/note")])
        }
        // Looked up here, but an unknown agent is told only once the caller is known to know
        // the case and to be allowed the change: a refusal must not say which ids exist.
        let named: Agent? = try await agent.asyncMap { try await AgentStore(database).agent(id: $0) } ?? nil
        // A referent revoked or expired answers for nothing: the case counts as without one.
        // Only an agent taking a case for themselves needs it (supervisors may replace anyone).
        var inactive: String?
        if case .agent(let taker) = caller.kind, !taker.supervisor, agent == taker.id,
           let current = try? await store.snapshot(id).referent, current != taker.id,
           let holder = try await AgentStore(database).agent(id: current), holder.status(at: Date()) != .active {
            inactive = current
        }
        let trimmedNote = note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        var judged: CaseRules?
        do {
            let (record, _) = try await store.change(id, expectedVersion: expectedVersion, via: caller.via) { record, definition in
                let rules = CaseRules(caller, definition: definition)
                judged = rules
                guard rules.knows(record) else { throw CaseFailure.notFound(Self.noCase(id, caller)) }
                try Self.checkMayName(agent, on: record, rules: rules, inactiveReferent: inactive)
                if let agent, named == nil {
                    throw CaseFailure(.refused, "there is no agent '\(agent)'", refusal: .notAReferent,
                                      problems: [.init("there is no agent '\(agent)'", pointer: "/agent")])
                }
                if let named { try Self.checkMayBeReferent(named, rules: rules) }
                if record.snapshot.referent == agent {
                    // Nothing to write, but a stale version is still a conflict, as for any change.
                    if let expectedVersion, expectedVersion != record.snapshot.version {
                        throw StoreError(.conflict, "case \(id.lowercasedString) is at version \(record.snapshot.version), not \(expectedVersion); read it again")
                    }
                    throw Unchanged(record: record)
                }
                return CaseStore.Prepared(
                    event: CaseEvent(.setReferent(agent: agent), actor: rules.actor, note: trimmedNote),
                    // Who answers for the case concerns every agency of it.
                    adjust: { change in
                        for index in change.history.indices where change.history[index].note != nil {
                            change.history[index].noteVisibleTo = [NoteAudience.everyone]
                        }
                    },
                    journal: { change in
                        let fields = rules.readFields(change.after)
                        return [.read(id, by: rules.journalAccess, fields: fields, sources: rules.readSources(change.after, fields: fields))]
                    })
            }
            var written = record
            written.referentAgency = named?.agency
            return reading(written, rules: judged!)
        } catch let unchanged as Unchanged {
            let rules = judged!
            let fields = rules.readFields(unchanged.record.snapshot)
            try await journal.read(id, by: rules.journalAccess, fields: fields,
                                   sources: rules.readSources(unchanged.record.snapshot, fields: fields))
            return reading(unchanged.record, rules: rules)
        } catch let error as StoreError where error.code == .notFound {
            throw CaseFailure.notFound(Self.noCase(id, caller))
        } catch let error as StoreError {
            guard let rules = judged else { throw error }
            throw Self.failure(error, rules: rules)
        }
    }

    /// The case already has that referent: nothing to write.
    private struct Unchanged: Error {
        var record: CaseRecord
    }

    /// Whether the caller may make this change of referent on this case.
    /// The longest note a change of referent takes (as the API's notes).
    static let referentNoteLimit = 10_000

    static func checkMayName(_ agent: String?, on record: CaseRecord, rules: CaseRules, inactiveReferent: String? = nil) throws(CaseFailure) {
        if rules.isSupervisor { return }
        guard case .agent(let caller) = rules.caller.kind else {
            throw CaseFailure(.forbidden, "only a supervisor may name a case's referent")
        }
        let referent = rules.definition.referentRules
        // A revoked or expired referent leaves the case to be taken.
        let current = record.snapshot.referent.flatMap { $0 == inactiveReferent ? nil : $0 }
        guard agent == caller.id else {
            throw CaseFailure(.forbidden, agent == nil
                ? "only a supervisor may remove a case's referent"
                : "only a supervisor may name another agent as a case's referent; you may only take a case yourself")
        }
        guard referent.selfAssign else {
            throw CaseFailure(.forbidden, "workflow '\(rules.definition.id.value)' does not let agents take a case as its referent (referent.self_assign); ask a supervisor")
        }
        if let current, current != caller.id {
            throw CaseFailure(.conflict, "the case already has a referent, \(current); only a supervisor may change it",
                              refusal: .referentTaken, details: ["referent": current])
        }
    }

    /// Whether `agent` may be a referent of the workflow's cases.
    static func checkMayBeReferent(_ agent: Agent, rules: CaseRules) throws(CaseFailure) {
        let definition = rules.definition
        var reason: String?
        if agent.status(at: Date()) != .active {
            reason = "agent '\(agent.id)' is \(agent.status(at: Date()).rawValue)"
        } else if agent.portal {
            reason = "'\(agent.id)' is a portal, not a person"
        } else if definition.agency(agent.agency) == nil {
            reason = "agent '\(agent.id)' belongs to '\(agent.agency)', which is not an agency of workflow '\(definition.id.value)'"
        } else if !definition.mayBeReferent(agency: agent.agency, roles: agent.roles) {
            let roles = definition.referentRoles(inAgency: agent.agency).sorted()
            let allowed = definition.referentRules.roles.map { " (referent.roles: \($0.map(\.value).joined(separator: ", ")))" } ?? ""
            reason = roles.isEmpty
                ? "no role of agency '\(agent.agency)' may be a referent in workflow '\(definition.id.value)'\(allowed)"
                : "agent '\(agent.id)' holds none of the roles that may be a referent in '\(agent.agency)': \(roles.joined(separator: ", "))\(allowed)"
        }
        if let reason {
            throw CaseFailure(.refused, "\(reason); a case's referent is an agent of one of the workflow's agencies holding one of its referent roles",
                              refusal: .notAReferent, problems: [.init(reason, pointer: "/agent")])
        }
    }
}

extension Refusal.Code {
    /// The agent named may not be a case's referent (unknown, revoked, of no agency of the
    /// workflow, or holding none of its referent roles).
    public static let notAReferent = Refusal.Code("not-a-referent")
    /// An agent tried to take a case that already has another referent.
    public static let referentTaken = Refusal.Code("referent-taken")
}

extension CaseService {
    /// The agents a supervisor may name referent of the case read (active, not portals, of an
    /// agency of the workflow, holding one of its referent roles), by id; none for anyone else
    /// (an agent may only take the case themselves).
    public func referentCandidates(_ reading: CaseReading) async throws -> [Agent] {
        guard reading.rules.isSupervisor, !reading.record.snapshot.status.isClosed else { return [] }
        let definition = reading.definition
        let now = Date()
        return try await AgentStore(database).list().filter { agent in
            agent.status(at: now) == .active && !agent.portal && definition.mayBeReferent(agency: agent.agency, roles: agent.roles)
        }
    }

    /// Whether the caller of `reading` may take the case as its referent now: an agent, who may
    /// be a referent here, on an open case without one, when the workflow allows it.
    public func mayTakeAsReferent(_ reading: CaseReading) -> Bool {
        guard case .agent(let agent) = reading.rules.caller.kind, !agent.portal,
              !reading.record.snapshot.status.isClosed, reading.record.snapshot.referent == nil else { return false }
        let definition = reading.definition
        return (definition.referentRules.selfAssign || reading.rules.isSupervisor)
            && definition.mayBeReferent(agency: agent.agency, roles: agent.roles)
    }
}

extension Optional {
    /// `map` with an asynchronous, throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
