import Foundation

extension WorkflowEngine {
    /// A pending timer fell due: it is consumed, and does what its kind says. A breach (state
    /// or queue SLA, stall) that falls due while a timed way out of the same state is also due
    /// gives way to it: the way out is applied instead, and leaving the state cancels the breach.
    func fireTimer(_ timerID: UUID, change: inout ChangeBuilder) throws(Refusal) {
        guard var timer = change.snapshot.timers.first(where: { $0.id == timerID }) else {
            throw Refusal(.unknownTimer, "the case has no pending timer \(timerID.lowercasedString)")
        }
        if timer.kind.isClock {
            fireClockTimer(timer, change: &change)
            return
        }
        var superseded: TimerKind?
        if [.stateSLA, .stall, .queueSLA].contains(timer.kind), let exit = dueExit(beside: timer, change.snapshot, now: change.now) {
            superseded = timer.kind
            timer = exit
        }
        change.remove(timerID: timer.id)
        var context: [String: JSONValue] = ["timer": .string(timer.id.lowercasedString)]
        if let superseded { context["instead_of"] = .string(superseded.rawValue) }
        guard isActive(state: timer.state, track: timer.track, snapshot: change.snapshot),
              let state = stateDefinition(timer.state, track: timer.track, snapshot: change.snapshot) else {
            change.record("timer", from: timer.state, track: timer.track, name: timer.kind.rawValue,
                          reason: "stale: its state was left", context: .object(context))
            return
        }
        change.record("timer", from: timer.state, track: timer.track, name: timer.kind.rawValue, context: .object(context))
        let deadline = JSONValue.string(RFC3339.format(timer.dueAt, in: calendar.timeZone))
        switch timer.kind {
        case .after:
            guard let index = timer.afterIndex, state.timedExits.indices.contains(index) else { return }
            let exit = state.timedExits[index]
            follow(exit.target, from: state, track: timer.track,
                   context: ["after": .string(exit.delay.value.description), "deadline": deadline], change: &change)
        case .stateSLA:
            let reason = state.onBreach?.value ?? (Self.isWait(state) ? EscalationReason.deadlineExpired.rawValue
                                                                        : EscalationReason.slaBreached.rawValue)
            escalate(code: reason, context: ["sla": .string(state.sla?.value.description ?? ""), "deadline": deadline,
                                             "entered_at": .string(RFC3339.format(enteredAt(timer, change.snapshot),
                                                                                  in: calendar.timeZone))],
                     state: timer.state, track: timer.track, change: &change)
        case .stall:
            let stall = stallDuration(of: state)?.description ?? ""
            escalate(.stalled, context: ["stall_after": .string(stall),
                                         "last_event_at": .string(RFC3339.format(change.original.lastEventAt,
                                                                                 in: calendar.timeZone))],
                     state: timer.state, track: timer.track, change: &change)
        case .queueSLA:
            guard let task = change.snapshot.tasks.first(where: { $0.id == timer.taskID }) else { return }
            escalate(.slaBreached, context: ["task": .string(task.id.lowercasedString), "queue": .string(task.queue),
                                             "deadline": deadline],
                     state: task.state, track: task.track, change: &change)
        case .escalationSLA:
            guard let task = change.snapshot.tasks.first(where: { $0.id == timer.taskID }) else { return }
            // The new escalation has no SLA of its own: re-arming one would escalate forever.
            escalate(.slaBreached, context: [
                "ignored_escalation": .string(task.id.lowercasedString), "ignored_reason": .string(task.escalation?.reason ?? ""),
                "ignored_queue": .string(task.queue), "deadline": deadline,
            ], state: task.state, track: task.track, queue: fallbackEscalationQueue, armSLA: false, change: &change)
        case .step:
            change.stepFailures = timer.attempt
            evaluateAgain(note: nil, change: &change)
        case .request:
            requestTimedOut(timer, change: &change)
        case .clockWarning, .clockExpiry:
            break // handled above, by `fireClockTimer`: a clock belongs to no state
        }
    }

    /// The earliest timed way out (`after` leading to a state) of the same state as `timer`
    /// that is also due now: it wins over a breach.
    private func dueExit(beside timer: CaseTimer, _ snapshot: CaseSnapshot, now: Date) -> CaseTimer? {
        guard let state = stateDefinition(timer.state, track: timer.track, snapshot: snapshot) else { return nil }
        return snapshot.timers
            .filter { candidate in
                guard candidate.kind == .after, candidate.state == timer.state, candidate.track == timer.track,
                      candidate.dueAt <= now, let index = candidate.afterIndex,
                      state.timedExits.indices.contains(index) else { return false }
                return state.timedExits[index].target.state != nil
            }
            .min { ($0.dueAt, $0.afterIndex ?? 0) < ($1.dueAt, $1.afterIndex ?? 0) }
    }

    /// When the case (or the timer's track) entered the timer's state.
    private func enteredAt(_ timer: CaseTimer, _ snapshot: CaseSnapshot) -> Date {
        guard let track = timer.track else { return snapshot.enteredStateAt }
        return snapshot.tracks.first { $0.track == track }?.enteredStateAt ?? snapshot.enteredStateAt
    }

    static func isWait(_ state: StateDefinition) -> Bool {
        if case .wait = state.kind { return true }
        return false
    }
}
