import Foundation

/// Requests to other administrations (language brief, "Requests to other administrations"):
/// opened with the change that enters their state, answered by the agency asked, and, when no
/// answer can come (no consent, a refusal, the sla passed), their fallback applied explicitly.
extension WorkflowEngine {
    /// Opens the requests a state lists, on entering it: sent when the consent they need
    /// stands, each with an sla timer of the run's id that owns the case; else withheld, and
    /// the fallback applies.
    func openRequests(of state: StateDefinition, track: String?, change: inout ChangeBuilder) {
        for reference in state.requests {
            guard let request = definition.request(reference.value) else { continue }
            var run = RequestRun(id: makeID(), request: request.id.value, agency: request.to.value, field: request.provides.value,
                                 state: state.id.value, track: track, status: .withheld, openedAt: change.now, dueAt: nil)
            if request.consent == .required, !change.snapshot.consents(to: request.id.value) {
                let why = change.snapshot.consents[request.id.value] == nil
                    ? "the citizen has not consented to this request" : "the citizen revoked their consent to this request"
                run.reason = why
                change.snapshot.requests.append(run)
                change.record("request-withheld", from: state.id.value, track: track, name: request.id.value, reason: why,
                              context: .object(Self.context(of: run, request)))
                applyFallback(request.whenNotAnswered, to: run.id, request: request, why: why, change: &change)
                continue
            }
            change.snapshot.requests.append(run)
            send(run.id, request: request, change: &change)
        }
    }

    /// Sends a run: its sla counted from now, the timer that owns the case, the history line.
    private func send(_ runID: UUID, request: RequestDefinition, change: inout ChangeBuilder) {
        guard let index = change.snapshot.requests.firstIndex(where: { $0.id == runID }) else { return }
        var run = change.snapshot.requests[index]
        guard let dueAt = deadline(request.sla.value, for: run.state, track: run.track, change: &change) else { return }
        run.status = .sent
        run.openedAt = change.now
        run.dueAt = dueAt
        run.closedAt = nil
        run.reason = nil
        run.askedCitizen = false
        change.snapshot.requests[index] = run
        change.create(CaseTimer(id: run.id, kind: .request, state: run.state, track: run.track, dueAt: dueAt))
        change.record("request-opened", from: run.state, track: run.track, name: request.id.value,
                      context: .object(Self.context(of: run, request)))
        openTask(for: run, change: &change)
    }

    /// Delivers a sent request to the agents of the agency asked, when the workflow gives it
    /// a queue: a task there, due when the request is (its `sla`, whose timer already owns
    /// the case, decides what lateness does), closed with the request.
    /// `openedAt` is when the request was sent, for a task opened later (by a migration).
    func openTask(for run: RequestRun, openedAt: Date? = nil, change: inout ChangeBuilder) {
        guard let queue = definition.queue(answering: run.agency) else { return }
        let task = CaseTask(id: makeID(), queue: queue.id.value, state: run.state, track: run.track, request: run.id,
                            slaDueAt: run.dueAt, openedAt: openedAt ?? change.now)
        change.open(task)
        change.record("task-opened", from: run.state, track: run.track, name: queue.id.value,
                      context: ["task": .string(task.id.lowercasedString), "request_id": .string(run.id.lowercasedString)])
    }

    /// Closes the task of a request that takes no first answer any more.
    private func closeTask(of runID: UUID, resolution: String, change: inout ChangeBuilder) {
        for task in change.snapshot.tasks where task.request == runID {
            change.close(taskID: task.id, resolution: resolution)
        }
    }

    /// Leaving a state (or a track's, or closing the case) stops its requests still unanswered,
    /// and what their fallback asked of the citizen: that belonged to the state left.
    func cancelRequests(track: String?, everyTrack: Bool, reason: String, change: inout ChangeBuilder) {
        for index in change.snapshot.requests.indices where everyTrack || change.snapshot.requests[index].track == track {
            change.snapshot.requests[index].askedCitizen = false
            let run = change.snapshot.requests[index]
            // A withheld request ends with its state too, or consent given later would send it
            // for a state the case has left (and a return to the state would hold two).
            guard run.status == .sent || run.status == .withheld else { continue }
            change.snapshot.requests[index].status = .cancelled
            change.snapshot.requests[index].closedAt = change.now
            change.snapshot.requests[index].reason = reason
            if run.status == .sent { change.remove(timerID: run.id) }
            change.record("request-cancelled", from: run.state, track: run.track, name: run.request, reason: reason,
                          context: ["request_id": .string(run.id.lowercasedString)])
            closeTask(of: run.id, resolution: "request cancelled: \(reason)", change: &change)
        }
    }

    /// The answering agency's answer: the value fills `provides` (a later one is a new
    /// version that replaces it), a refusal applies the fallback.
    func answerRequest(_ runID: UUID, answer: RequestAnswer, actor: CaseActor, note: String?, change: inout ChangeBuilder) throws(Refusal) {
        guard let index = change.snapshot.requests.firstIndex(where: { $0.id == runID }),
              let request = definition.request(change.snapshot.requests[index].request) else {
            throw Refusal(.unknownRequest, "the case has no request \(runID.lowercasedString)")
        }
        var run = change.snapshot.requests[index]
        switch actor.kind {
        case .agent(_, let agency, _, _) where agency == run.agency:
            break
        case .operatorUser:
            break
        default:
            throw Refusal(.notAllowed, "only the agency asked ('\(run.agency)') answers request '\(run.request)'")
        }
        guard run.mayBeAnswered else {
            throw Refusal(.requestClosed, "request '\(run.request)' is \(run.status.rawValue)\(run.reason.map { " (\($0))" } ?? ""): it takes no answer any more")
        }
        switch answer {
        case .value(let value):
            // What was received stays, but an issuer's newer version needs the consent to stand.
            if run.status == .answered, request.consent == .required, !change.snapshot.consents(to: request.id.value) {
                throw Refusal(.requestClosed, "the citizen revoked their consent to request '\(run.request)': it takes no newer version")
            }
            guard !value.isNull else {
                throw Refusal(.invalidData, "an answer carries the value of '\(run.field)'; to decline, send a refusal with its reason", field: run.field)
            }
            // A document the agency asked provides is issued by it: the journal and the person
            // are told it came from there. Said with whatever else is wrong with the value.
            var problems: [Refusal.FieldProblem] = []
            if request.kind == .document, let issuer = value.value(at: "issuer")?.stringValue, issuer != run.agency {
                problems.append(.init(field: run.field,
                                      message: "the document's 'issuer' is '\(issuer)', but the agency asked, which answers, is '\(run.agency)'"))
            }
            let before = change.snapshot.data
            var incoming = JSONValue.object([:])
            do { try incoming.setValue(value, at: run.field) } catch {
                throw Refusal(.invalidData, error.message, field: run.field)
            }
            let data: JSONValue
            do {
                data = try merged(incoming, into: before)
                try checkData(data)
            } catch let refusal {
                let more = refusal.fieldProblems.isEmpty ? [Refusal.FieldProblem(field: run.field, message: refusal.message)] : refusal.fieldProblems
                throw problems.isEmpty ? refusal : Refusal(.invalidData, problems: problems + more)
            }
            if !problems.isEmpty { throw Refusal(.invalidData, problems: problems) }
            change.snapshot.data = data
            let first = run.status == .sent
            if first { change.remove(timerID: run.id) }
            run.status = .answered
            run.versions += 1
            run.answerDigest = data.value(at: run.field).map(AccessJournal.Source.digest)
            run.closedAt = change.now
            change.snapshot.requests[index] = run
            var context = Self.context(of: run, request)
            context["version"] = .number(JSONNumber(run.versions))
            change.record("request-answered", from: run.state, track: run.track, name: run.request,
                          dataDiff: validator.diff(from: before, to: data),
                          reason: run.versions > 1 ? "version \(run.versions) from the issuer replaces version \(run.versions - 1)" : nil,
                          context: .object(context), note: note)
            if first {
                closeTask(of: run.id, resolution: "request answered", change: &change)
                // The escalation raised to chase the agency for it, if late: answered now.
                for task in change.snapshot.tasks where task.state == run.state && task.track == run.track
                    && task.escalation?.context.value(at: "request")?.stringValue == run.request
                    && task.escalation?.context.value(at: "to")?.stringValue == run.agency {
                    change.close(taskID: task.id, resolution: "the \(run.agency) answered request '\(run.request)'")
                }
            }
        case .refused(let reason):
            guard run.status == .sent else {
                throw Refusal(.requestClosed, "request '\(run.request)' was already answered; send a newer version instead of a refusal")
            }
            change.remove(timerID: run.id)
            run.status = .refused
            run.reason = reason
            run.closedAt = change.now
            change.snapshot.requests[index] = run
            change.record("request-refused", from: run.state, track: run.track, name: run.request, reason: reason,
                          context: .object(Self.context(of: run, request)), note: note)
            closeTask(of: run.id, resolution: "request refused", change: &change)
            applyFallback(request.whenNotAnswered, to: run.id, request: request, why: "the \(run.agency) refused: \(reason)", change: &change)
        }
    }

    /// A request's sla passed unanswered: its `on_timeout` (else its fallback) applies. When
    /// that keeps the case where it is (an escalation to chase the agency, the person asked
    /// for the field), the request stays open, late: the agency may still answer, and its
    /// task stays in its queue. When it moves the case, the request expires.
    func requestTimedOut(_ timer: CaseTimer, change: inout ChangeBuilder) {
        guard let index = change.snapshot.requests.firstIndex(where: { $0.id == timer.id && $0.status == .sent }),
              let request = definition.request(change.snapshot.requests[index].request) else { return }
        let late = "no answer from \(change.snapshot.requests[index].agency) within \(request.sla.value)"
        if request.whenLate?.keepsTheCase ?? true {
            let run = change.snapshot.requests[index]
            change.record("request-overdue", from: run.state, track: run.track, name: run.request,
                          reason: "\(late); still awaited", context: .object(Self.context(of: run, request)))
            applyFallback(request.whenLate, to: run.id, request: request, why: late, change: &change)
            return
        }
        change.snapshot.requests[index].status = .expired
        change.snapshot.requests[index].closedAt = change.now
        change.snapshot.requests[index].reason = late
        let run = change.snapshot.requests[index]
        change.record("request-expired", from: run.state, track: run.track, name: run.request,
                      reason: late, context: .object(Self.context(of: run, request)))
        closeTask(of: run.id, resolution: "request expired", change: &change)
        applyFallback(request.whenLate, to: run.id, request: request, why: late, change: &change)
    }

    /// The citizen gives or revokes consent to a request. Giving it sends the requests of
    /// the state the case stands in that were withheld for want of it, or stopped by an
    /// earlier revocation; revoking it stops those not yet answered (the fallback applies)
    /// and erases nothing received.
    func setConsent(_ requestID: String, granted: Bool, actor: CaseActor, change: inout ChangeBuilder) throws(Refusal) {
        guard let request = definition.request(requestID) else {
            var message = "the workflow has no request '\(requestID)'"
            if let close = Suggestion.closest(to: requestID, among: definition.requests.map(\.id.value)) {
                message += "; did you mean '\(close)'?"
            } else {
                message += definition.requests.isEmpty ? "; it asks no other administration"
                    : "; its requests: " + definition.requests.map { "'\($0.id.value)'" }.joined(separator: ", ")
            }
            throw Refusal(.unknownRequest, message)
        }
        guard actor.isCitizen || actor.isOperator else {
            throw Refusal(.notAllowed, "only the person concerned gives or revokes consent, through the portal")
        }
        change.snapshot.consents[requestID] = RequestConsent(granted: granted, at: change.now, by: actor.recorded)
        change.record(granted ? "consent-given" : "consent-revoked", name: requestID,
                      reason: request.consent == .notRequired ? "this request does not need consent (\(request.legalBasis))" : nil,
                      context: ["request": .string(requestID), "legal_basis": .string(request.legalBasis)])
        guard request.consent == .required else { return }
        // By id, each run read afresh: a fallback applied for one may move the case and end the others.
        for id in change.snapshot.requests.filter({ $0.request == requestID }).map(\.id) {
            guard let run = change.snapshot.requests.first(where: { $0.id == id }) else { continue }
            // Only a stay's latest run: an earlier one ended with its stay, or was sent again.
            let latest = change.snapshot.requests.last { $0.request == requestID && $0.track == run.track }?.id == run.id
            if granted, run.status == .withheld || run.status == .stopped, latest,
               isActive(state: run.state, track: run.track, snapshot: change.snapshot) {
                send(run.id, request: request, change: &change)
            } else if !granted, run.status == .sent, let index = change.snapshot.requests.firstIndex(where: { $0.id == run.id }) {
                change.remove(timerID: run.id)
                change.snapshot.requests[index].status = .stopped
                change.snapshot.requests[index].closedAt = change.now
                change.snapshot.requests[index].reason = "the citizen revoked their consent"
                change.record("request-stopped", from: run.state, track: run.track, name: requestID,
                              reason: "the citizen revoked their consent", context: .object(Self.context(of: run, request)))
                closeTask(of: run.id, resolution: "request stopped: the citizen revoked their consent", change: &change)
                applyFallback(request.whenNotAnswered, to: run.id, request: request, why: "the citizen revoked their consent", change: &change)
            }
        }
    }

    /// Applies what happens to a request that gets no answer, and says why in the history.
    private func applyFallback(_ fallback: RequestFallback?, to runID: UUID, request: RequestDefinition, why: String,
                               change: inout ChangeBuilder) {
        guard let index = change.snapshot.requests.firstIndex(where: { $0.id == runID }) else { return }
        let run = change.snapshot.requests[index]
        guard let fallback, isActive(state: run.state, track: run.track, snapshot: change.snapshot),
              let state = stateDefinition(run.state, track: run.track, snapshot: change.snapshot) else { return }
        switch fallback {
        case .askCitizen:
            change.snapshot.requests[index].askedCitizen = true
            change.record("request-fallback", from: run.state, track: run.track, name: run.request,
                          reason: "\(why); the citizen is asked to provide '\(run.field)'",
                          context: ["request_id": .string(run.id.lowercasedString), "ask": "usager", "field": .string(run.field)],
                          waitingOn: "usager")
        case .target(let target):
            change.record("request-fallback", from: run.state, track: run.track, name: run.request, reason: why,
                          context: ["request_id": .string(run.id.lowercasedString)])
            // A move decided by no one, possibly while entering the state: counted like an
            // automatic step, so that fallbacks leading back to their state cannot loop.
            if target.state != nil, !takeAutomaticStep(in: state, track: run.track, change: &change) { return }
            follow(target, from: state, track: run.track,
                   context: ["request": .string(run.request), "to": .string(run.agency), "why": .string(why)], change: &change)
        }
    }

    /// What the history keeps of a run.
    static func context(of run: RequestRun, _ request: RequestDefinition) -> [String: JSONValue] {
        var context: [String: JSONValue] = [
            "request_id": .string(run.id.lowercasedString), "to": .string(run.agency), "kind": .string(request.kind.rawValue),
            "field": .string(run.field), "legal_basis": .string(request.legalBasis),
        ]
        if let dueAt = run.dueAt { context["due_at"] = .string(RFC3339.format(dueAt, in: TimeZone(identifier: "UTC")!)) }
        return context
    }
}
