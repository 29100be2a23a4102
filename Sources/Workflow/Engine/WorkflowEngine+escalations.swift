import Foundation

extension WorkflowEngine {
    /// The reasons the engine raises by itself and that are not duplicated while one is open for
    /// the same place and subject: re-evaluating, or a stall timer firing again, finds it open.
    static let deduplicatedReasons: Set<String> = [
        EscalationReason.missingData.rawValue, EscalationReason.invalidData.rawValue,
        EscalationReason.noRuleMatched.rawValue, EscalationReason.actionFailed.rawValue,
        EscalationReason.stalled.rawValue, EscalationReason.orphaned.rawValue,
    ]

    /// The engine-raised reasons that evaluating again closes when it no longer raises them.
    static let reevaluatedReasons: Set<String> = [
        EscalationReason.missingData.rawValue, EscalationReason.invalidData.rawValue,
        EscalationReason.noRuleMatched.rawValue, EscalationReason.actionFailed.rawValue,
    ]

    /// Where an escalation with `reason` goes and how long it may wait: the exception's `queue`,
    /// else the workflow's `escalation` queue; the exception's `sla`, else that queue's.
    ///
    /// A workflow without an escalation queue is refused by the validator whenever an escalation
    /// can arise; should one get here anyway, its first queue receives the task, so that the case
    /// still lands in front of a person.
    public func escalationRoute(for reason: String) -> (queue: String, sla: WorkflowDuration?) {
        let exception = definition.exception(reason)
        let queue = exception?.queue?.value ?? fallbackEscalationQueue
        let sla = exception?.sla?.value ?? definition.queue(queue)?.sla?.value
        return (queue, sla)
    }

    /// The workflow's escalation queue, else its first queue, else a queue named `escalation`.
    var fallbackEscalationQueue: String {
        definition.escalationQueue?.value ?? definition.queues.first?.id.value ?? "escalation"
    }

    /// Escalates for one of the engine's own reasons.
    @discardableResult
    func escalate(_ reason: EscalationReason, context: [String: JSONValue], state: String, track: String?,
                  note: String? = nil, queue: String? = nil, armSLA: Bool = true, change: inout ChangeBuilder) -> CaseTask? {
        escalate(code: reason.rawValue, context: context, state: state, track: track, note: note, queue: queue,
                 armSLA: armSLA, change: &change)
    }

    /// Opens an escalation task for `code` (a built-in reason or an exception code) beside the
    /// case's other work, in the queue and with the SLA of `escalationRoute(for:)` (or in `queue`
    /// with that queue's SLA), and an `.escalationSLA` timer when there is an SLA. The case stays
    /// where it is. Returns nil when an identical engine-raised escalation is already open (one
    /// of `deduplicatedReasons`, or any code when `deduplicate`, as for a rule's `escalate`).
    @discardableResult
    func escalate(code: String, context: [String: JSONValue], state: String, track: String?, note: String? = nil,
                  queue forcedQueue: String? = nil, armSLA: Bool = true, deduplicate: Bool = false,
                  change: inout ChangeBuilder) -> CaseTask? {
        if deduplicate || Self.deduplicatedReasons.contains(code) {
            let key = EscalationKey(reason: code, state: state, track: track, subject: context["track"]?.stringValue)
            change.raisedEscalations.insert(key)
            if change.snapshot.tasks.contains(where: { $0.escalationKey == key }) { return nil }
        }
        let route = escalationRoute(for: code)
        let queue = forcedQueue ?? route.queue
        let sla = armSLA ? (forcedQueue == nil ? route.sla : definition.queue(queue)?.sla?.value) : nil
        // A deadline out of range is not escalated again (that could not end); the task simply has none.
        let dueAt = sla.flatMap { try? $0.added(to: change.now, in: calendar) }
        let escalation = Escalation(reason: code, context: .object(context))
        let task = CaseTask(id: makeID(), queue: queue, state: state, track: track, escalation: escalation,
                            slaDueAt: dueAt, openedAt: change.now)
        change.open(task)
        var recorded = context
        recorded["task"] = .string(task.id.lowercasedString)
        recorded["queue"] = .string(queue)
        change.record("escalated", from: state, track: track, name: code, reason: code, context: .object(recorded), note: note)
        if let dueAt {
            change.create(CaseTimer(id: makeID(), kind: .escalationSLA, state: state, track: track, taskID: task.id, dueAt: dueAt))
        }
        return task
    }

    /// A person (or another system) says the case is exceptional: `agent-raised`, or an exception
    /// code of the workflow. The escalation stands beside the main state, or the named track's state.
    func raise(_ reason: String, track: String?, actor: CaseActor, note: String?, change: inout ChangeBuilder) throws(Refusal) {
        if actor.isCitizen {
            throw Refusal(.notAllowed, "the citizen's portal cannot escalate a case; an agent handling it can")
        }
        guard reason == EscalationReason.agentRaised.rawValue || definition.exception(reason) != nil else {
            let known = [EscalationReason.agentRaised.rawValue] + definition.exceptions.map(\.code.value)
            var message = "'\(reason)' is not an exception of this workflow"
            if let close = Suggestion.closest(to: reason, among: known) { message += "; did you mean '\(close)'?" }
            throw Refusal(.unknownException, message + "; use 'agent-raised' or one of: \(known.joined(separator: ", "))")
        }
        var state = change.snapshot.state
        if let track {
            let position = try openTrack(track, change.snapshot)
            state = position.state
        }
        var context: [String: JSONValue] = ["raised_by": .string(actor.recorded)]
        if let note, !note.isEmpty { context["note"] = .string(note) }
        escalate(code: reason, context: context, state: state, track: track, note: note, change: &change)
    }

    /// The position of an open, unfinished track of the current parallel state, or a refusal.
    func openTrack(_ track: String, _ snapshot: CaseSnapshot) throws(Refusal) -> TrackPosition {
        let current = parallel(of: snapshot)
        guard let current, current.track(track) != nil else {
            let tracks = current?.tracks.map(\.id.value) ?? []
            var message = "'\(track)' is not a track of state '\(snapshot.state)'"
            if tracks.isEmpty {
                message += "; the case is not in a parallel state"
            } else if let close = Suggestion.closest(to: track, among: tracks) {
                message += "; did you mean '\(close)'?"
            } else {
                message += "; its tracks are: \(tracks.joined(separator: ", "))"
            }
            throw Refusal(.unknownTrack, message)
        }
        guard let position = snapshot.tracks.first(where: { $0.track == track }) else {
            throw Refusal(.actionNotAvailable, "track '\(track)' is not open for this case")
        }
        guard !position.finished else {
            throw Refusal(.actionNotAvailable, "track '\(track)' has finished (in '\(position.state)')")
        }
        return position
    }
}
