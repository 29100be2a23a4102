import Foundation

extension WorkflowEngine {
    /// Moves the case to any state of the workflow (a track's state by naming the track), with a
    /// mandatory justification, closing what belonged to the state left. A closed case is
    /// reopened this way, on appeal, by a supervisor or an operator only.
    ///
    /// Allowed to operators, supervisors, and agents who work the escalation queue or the queue
    /// of one of the case's open escalations (with one of `override_by`'s roles, when the
    /// workflow names them); a final state, closing the case, only to supervisors and operators.
    func override(to target: String, track: String?, actor: CaseActor, note: String?,
                  change: inout ChangeBuilder) throws(Refusal) {
        guard let note, !note.allSatisfy(\.isWhitespace) else {
            throw Refusal(.noteRequired, "an override needs a note that justifies it")
        }
        guard mayOverride(actor, change.snapshot) else {
            if let roles = definition.overrideBy {
                throw Refusal(.notAllowed, "in this workflow only a supervisor or an agent with the role "
                              + roles.map { "'\($0.value)'" }.joined(separator: " or ") + " may override")
            }
            throw Refusal(.notAllowed,
                          "only a supervisor, or an agent of the escalation queue or of an open escalation's queue, may override")
        }
        if let track {
            try overrideTrack(track, to: target, note: note, change: &change)
            return
        }
        guard let state = definition.state(target) else {
            var message = "'\(target)' is not a state of the workflow"
            if let close = Suggestion.closest(to: target, among: definition.states.map(\.id.value)) {
                message += "; did you mean '\(close)'?"
            }
            throw Refusal(.unknownState, message)
        }
        // Closing a case is the most consequential thing an agent can do: supervisors only.
        if state.isFinal, !actor.isSupervisorOrOperator {
            throw Refusal(.notAllowed, "'\(target)' is a final state: closing a case by override is for supervisors; "
                          + "move it to a state where the decision is taken, or ask a supervisor")
        }
        let previous = change.snapshot.state
        if change.snapshot.status.isClosed {
            change.record("reopened", from: previous, reason: change.snapshot.status.outcome, note: note)
            change.snapshot.status = .open
        }
        change.record("override", from: previous, to: target, note: note)
        leaveMain(resolution: "override to '\(target)'", change: &change)
        enterMain(state, from: previous, change: &change)
    }

    /// Moves one track of the current parallel state: an open track leaves its state; a track
    /// not opened (or undecided) is opened at that state, its undecided escalation closed.
    private func overrideTrack(_ track: String, to target: String, note: String, change: inout ChangeBuilder) throws(Refusal) {
        guard !change.snapshot.status.isClosed, let parallel = parallel(of: change.snapshot),
              let definitionOfTrack = parallel.track(track) else {
            throw Refusal(.unknownTrack, "'\(track)' is not a track of state '\(change.snapshot.state)'")
        }
        guard let state = definitionOfTrack.state(target) else {
            var message = "'\(target)' is not a state of track '\(track)'"
            if let close = Suggestion.closest(to: target, among: definitionOfTrack.states.map(\.id.value)) {
                message += "; did you mean '\(close)'?"
            }
            throw Refusal(.unknownState, message)
        }
        let previous = change.snapshot.tracks.first { $0.track == track }?.state
        change.record("override", from: previous, to: target, track: track, note: note)
        if previous != nil {
            leaveTrackState(track, resolution: "override to '\(target)'", change: &change)
        } else {
            for task in change.snapshot.tasks where task.track == nil && task.state == change.snapshot.state
                && task.escalation?.context.value(at: "track")?.stringValue == track {
                change.close(taskID: task.id, resolution: "track decided by override")
            }
        }
        enterTrack(track, state: state, from: previous, change: &change)
    }

    /// Whether the actor may override: operators, supervisors, and agents working the escalation
    /// queue or the queue of an open escalation task.
    private func mayOverride(_ actor: CaseActor, _ snapshot: CaseSnapshot) -> Bool {
        if actor.isSupervisorOrOperator { return true }
        if let roles = definition.overrideBy, actor.roles.isDisjoint(with: roles.map(\.value)) { return false }
        if actor.works(definition.escalationQueue.flatMap { definition.queue($0.value) }) { return true }
        return snapshot.tasks.contains { $0.escalation != nil && actor.works(definition.queue($0.queue)) }
    }
}
