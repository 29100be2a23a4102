import Foundation

extension WorkflowEngine {
    /// An automatic step failed at run time (a rule or a track's `when` that cannot be
    /// evaluated). While the retry policy allows, the case waits in place for a `step` timer
    /// (backoff with jitter) that evaluates the state again; after the last try, it is escalated
    /// as `action-failed` with the error and the number of tries.
    func automaticStepFailed(context: [String: JSONValue], state: String, track: String?, change: inout ChangeBuilder) {
        let failures = change.stepFailures + 1
        let key = EscalationKey(reason: EscalationReason.actionFailed.rawValue, state: state, track: track, subject: nil)
        // Already escalated (a person evaluated again): the escalation stands, no new tries.
        let escalated = change.snapshot.tasks.contains { $0.escalationKey == key }
        guard !escalated, retryPolicy.allowsRetry(after: failures) else {
            var context = context
            context["attempts"] = .number(JSONNumber(failures))
            escalate(.actionFailed, context: context, state: state, track: track, change: &change)
            return
        }
        let pending = change.snapshot.timers.first { $0.kind == .step && $0.state == state && $0.track == track }
        let dueAt = pending?.dueAt ?? change.now.addingTimeInterval(retryPolicy.delay(after: failures).seconds)
        if pending == nil {
            change.create(CaseTimer(id: makeID(), kind: .step, state: state, track: track, dueAt: dueAt, attempt: failures))
        }
        var recorded = context
        recorded["attempt"] = .number(JSONNumber(failures))
        recorded["max_attempts"] = .number(JSONNumber(retryPolicy.maxAttempts))
        recorded["retry_at"] = .string(RFC3339.format(dueAt, in: calendar.timeZone))
        change.record("step-failed", from: state, track: track, reason: EscalationReason.actionFailed.rawValue,
                      context: .object(recorded))
    }

    /// The worker could not write the change a timer causes (the database refused it) and has
    /// tried as often as its policy allows: the timer is consumed and the case escalated as
    /// `action-failed` with the error, so that a person takes it from there.
    func timerFailed(_ timerID: UUID, error: String, attempts: Int, change: inout ChangeBuilder) throws(Refusal) {
        guard let timer = change.snapshot.timers.first(where: { $0.id == timerID }) else {
            throw Refusal(.unknownTimer, "the case has no pending timer \(timerID.lowercasedString)")
        }
        change.remove(timerID: timer.id)
        // A clock whose expiry could not be applied has expired all the same: it must not
        // stay "running" without a timer, showing a due date in the past.
        if timer.kind == .clockExpiry, let index = change.snapshot.clocks.firstIndex(where: { $0.name == timer.state && $0.status == .running }) {
            change.snapshot.clocks[index].status = .expired
            change.snapshot.clocks[index].endedAt = change.snapshot.clocks[index].dueAt ?? change.now
            change.snapshot.clocks[index].endedBy = "expiry-failed"
        }
        let place = isActive(state: timer.state, track: timer.track, snapshot: change.snapshot)
            ? (timer.state, timer.track) : (change.snapshot.state, nil)
        escalate(.actionFailed, context: [
            "timer": .string(timer.id.lowercasedString), "timer_kind": .string(timer.kind.rawValue),
            "error": .string(error), "attempts": .number(JSONNumber(attempts)),
        ], state: place.0, track: place.1, change: &change)
    }

    /// The sweep found the case without an owner (which the database should have refused): it
    /// is recorded, and `finish` escalates it as `orphaned`. A case that has an owner by the
    /// time it is locked is left alone.
    func sweepFoundNoOwner(change: inout ChangeBuilder) throws(Refusal) {
        guard !change.snapshot.hasOwner else {
            throw Refusal(.notOrphaned, "the case has an owner (an open task or a pending timer); nothing to do")
        }
        change.record("sweep", from: change.snapshot.state, reason: EscalationReason.orphaned.rawValue,
                      context: ["found": "an open case with no open task and no pending timer"])
    }
}
