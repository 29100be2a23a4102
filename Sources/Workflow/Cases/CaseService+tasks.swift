import Foundation

extension CaseService {
    /// An open task the caller may work on, with its case's rules for them.
    public struct OpenTask: Sendable {
        public let id: UUID
        public let caseID: UUID
        public let queue: String
        public let assignee: String?
        public let rules: CaseRules
    }

    /// An open task the caller may work on: on a case they may know, in a queue they work (or
    /// they supervise). Anything else is "no open task", whatever the reason.
    public func openTask(_ taskID: UUID, by caller: CaseCaller) async throws -> OpenTask {
        let notFound = CaseFailure.notFound("no open task \(taskID.lowercasedString)")
        guard case .agent(let agent) = caller.kind, let (caseID, queue, assignee) = try await TaskStore(database).locate(taskID) else {
            throw notFound
        }
        let reading: CaseReading
        do {
            reading = try await look(caseID, by: caller)
        } catch let failure as CaseFailure where failure.code == .notFound {
            throw notFound
        }
        guard reading.rules.access?.mayWorkOn(queue: queue) == true || agent.supervisor else {
            throw CaseFailure(.forbidden, "you do not work in queue '\(queue)'")
        }
        return OpenTask(id: taskID, caseID: caseID, queue: queue, assignee: assignee, rules: reading.rules)
    }

    /// Resolves an open task's case by `request` (an action, evaluating again, an override, a
    /// hand-over): the task must still be open and not held by another agent (unless the
    /// caller supervises), and the change must close it, or nothing is written and the
    /// refusal says why.
    public func resolve(_ taskID: UUID, _ request: CaseRequest, by caller: CaseCaller) async throws -> CaseReading {
        let task = try await openTask(taskID, by: caller)
        var answers: UUID?
        return try await change(task.caseID, request, by: caller, check: { record, rules in
            guard let current = record.snapshot.tasks.first(where: { $0.id == taskID }) else {
                throw CaseFailure.notFound("no open task \(taskID.lowercasedString)")
            }
            answers = current.request
            try Self.refuseIfHeldByAnother(current, rules: rules)
        }, after: { change, _ in
            guard change.closedTasks.contains(where: { $0.id == taskID }) else {
                let why = answers.map {
                    "this task waits for the answer to request \($0.lowercasedString): answer it (POST /requests/\($0.lowercasedString)/answer, or the inbox page's form), or hand the task to another queue of your agency"
                } ?? Self.unresolved(request.kind)
                throw CaseFailure(.refused, why, refusal: Refusal.Code("task-still-open"))
            }
        })
    }

    /// A task another agent holds is theirs to work: anyone else but a supervisor is refused
    /// (409 `task-held`, naming the holder for the front-ends' words).
    static func refuseIfHeldByAnother(_ task: CaseTask, rules: CaseRules) throws {
        if let holder = task.assignee, holder != rules.actor.recorded, !rules.isSupervisor {
            throw CaseFailure(.conflict, "the task is held by \(holder); ask them to release it, or a supervisor",
                              refusal: Refusal.Code("task-held"), details: ["holder": holder])
        }
    }

    /// Why a resolution that leaves its task open is refused, and what to do instead.
    static func unresolved(_ kind: CaseEvent.Kind) -> String {
        switch kind {
        case .evaluateAgain:
            "evaluating again leaves this task open: what it is about is not a rule the engine can check again (an escalation raised by a person, a decision to take); fire an action, override with a justification, or hand it over"
        default:
            "this does not close the task: it stays open in its queue; fire the action it waits for, override with a justification, or hand it over"
        }
    }

    /// Who read or changed which fields of the case: for supervisors who know the case, the
    /// names of fields they may not see left out. Reading the journal is itself journaled.
    public func accessLog(_ id: UUID, by caller: CaseCaller) async throws -> [AccessJournal.Entry] {
        let reading = try await look(id, by: caller)
        let rules = reading.rules
        switch caller.kind {
        case .agent(let agent) where !agent.supervisor:
            throw CaseFailure(.forbidden, "the access journal is for supervisors")
        default:
            break
        }
        // The person learns which administration read or changed what; an agent's own id only
        // where the workflow names the referent to them (`referent.shown_to_citizen: name`),
        // else the log would tell who the referent is (the agent taking the case, listing it).
        let namesAgents = rules.definition.referentRules.shownToCitizen == .name
        let entries = try await journal.entries(id).map { entry in
            var entry = entry
            entry.fields = entry.fields.filter { rules.isCitizen ? rules.mayEdit(field: $0) : rules.mayView(field: $0) }
            // The person is told every read of what another administration provided about them.
            entry.sources = entry.sources.filter { rules.isCitizen || rules.mayView(field: $0.field) }
            if rules.isCitizen, !namesAgents, entry.actor.hasPrefix("agent:") { entry.actor = "agent" }
            return entry
        }
        try await journal.read(id, by: rules.journalAccess, fields: [])
        return entries
    }

    /// The cases of the person the portal acts for, each journaled as read.
    public func citizenCases(by caller: CaseCaller) async throws -> [CaseReading] {
        guard case .citizen(let reference, _) = caller.kind else { return [] }
        var readings: [CaseReading] = []
        for id in try await store.ids(citizenRef: reference) {
            readings.append(try await read(id, by: caller))
        }
        return readings
    }

    /// Journals that the caller saw these cases listed (an inbox, a search), with no field.
    public func journalListing(_ ids: [UUID], by caller: CaseCaller) async throws {
        guard !ids.isEmpty else { return }
        let actor = caller.actor
        try await journal.read(cases: Array(Set(ids)), by: AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: caller.via))
    }

    /// A case the caller may know, without its history and not journaled: what a form needs
    /// before it hands the door a change (which journals the read of its answer).
    public func look(_ id: UUID, by caller: CaseCaller) async throws -> CaseReading {
        let (record, rules) = try await known(id, by: caller, history: false)
        return reading(record, rules: rules)
    }
}

extension CaseService {
    /// An open task as the caller may see it (its escalation's context filtered), journaled
    /// as a read of its case: what a claim, a release or an assignment answers.
    public func task(_ taskID: UUID, by caller: CaseCaller) async throws -> (task: CaseTask, caseID: UUID) {
        let notFound = CaseFailure.notFound("no open task \(taskID.lowercasedString)")
        guard let (caseID, _, _) = try await TaskStore(database).locate(taskID) else { throw notFound }
        let reading: CaseReading
        do {
            reading = try await look(caseID, by: caller)
        } catch let failure as CaseFailure where failure.code == .notFound {
            throw notFound
        }
        guard let task = reading.record.snapshot.tasks.first(where: { $0.id == taskID }) else { throw notFound }
        do {
            try await journalListing([caseID], by: caller)
        } catch {
            // The claim or assignment before this read is committed (and journaled): answering
            // an error now would have the client retry what happened. Log it loudly instead.
            database.logger.error("could not journal a task's read", metadata: ["case": "\(caseID)", "error": "\(error)"])
        }
        return (task, caseID)
    }
}

extension CaseService {
    /// Takes an open task the caller may work on (free, or theirs already); its answer is the
    /// task as they may see it.
    public func claim(_ taskID: UUID, by caller: CaseCaller) async throws -> (task: CaseTask, caseID: UUID) {
        let task = try await openTask(taskID, by: caller)
        try await storeFailures { try await TaskStore(database).claim(task.id, by: task.rules.actor.recorded, journal: task.rules.journalAccess) }
        return try await self.task(taskID, by: caller)
    }

    /// Gives a task the caller holds back to its queue.
    public func release(_ taskID: UUID, by caller: CaseCaller) async throws -> (task: CaseTask, caseID: UUID) {
        let task = try await openTask(taskID, by: caller)
        try await storeFailures { try await TaskStore(database).release(task.id, by: task.rules.actor.recorded, journal: task.rules.journalAccess) }
        return try await self.task(taskID, by: caller)
    }

    /// Hands a task to an active agent of its queue: a supervisor any task, a queue mate a
    /// free task or one they hold. `agents` finds the agent named.
    public func assign(_ taskID: UUID, to agentID: String, by caller: CaseCaller) async throws -> (task: CaseTask, caseID: UUID) {
        let task = try await openTask(taskID, by: caller)
        guard let assignee = try await AgentStore(database).agent(id: agentID), assignee.status(at: Date()) == .active,
              CaseAccess(agent: assignee, definition: task.rules.definition).mayWorkOn(queue: task.queue) else {
            throw CaseFailure(.refused, "'\(agentID)' is not an active agent of queue '\(task.queue)'",
                              problems: [.init("not an active agent of the queue", pointer: "/agent")])
        }
        try await storeFailures {
            try await TaskStore(database).assign(task.id, to: "agent:\(assignee.id)", by: task.rules.actor.recorded,
                                                 overriding: task.rules.isSupervisor, journal: task.rules.journalAccess)
        }
        return try await self.task(taskID, by: caller)
    }

    /// A task store's refusal (held by another, not held by the caller) as the door says it.
    private func storeFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as StoreError where error.code == .conflict {
            throw CaseFailure(.conflict, error.message)
        } catch let error as StoreError where error.code == .notFound {
            throw CaseFailure(.notFound, error.message)
        }
    }
}
