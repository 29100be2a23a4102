import Foundation

extension WorkflowEngine {
    /// Who may ask for the state to be evaluated again: operators, supervisors, the engine
    /// itself, and agents working a queue that holds an open task of the case (the people
    /// resolving its escalations); never the citizen's portal.
    func checkMayEvaluate(_ actor: CaseActor, _ snapshot: CaseSnapshot) throws(Refusal) {
        switch actor.kind {
        case .operatorUser, .engine:
            return
        case .citizen:
            throw Refusal(.notAllowed, "the citizen's portal cannot ask for a case to be evaluated again")
        case .agent(_, _, let roles, let supervisor):
            if supervisor { return }
            let works = snapshot.tasks.contains { task in
                definition.queue(task.queue)?.roles.contains { roles.contains($0.value) } ?? false
            }
            guard works else {
                throw Refusal(.notAllowed, "\(actor.recorded) works none of the queues holding this case's tasks; its queues' agents or a supervisor can evaluate it again")
            }
        }
    }

    /// Evaluates the current state again (after a correction): an auto state routes again, a
    /// parallel state decides its undecided tracks and routes its tracks held in auto states,
    /// and the data is checked again. The engine-raised escalations of the current state that
    /// this no longer raises are closed, with a history entry.
    func evaluateAgain(note: String?, change: inout ChangeBuilder) {
        let before = change.snapshot.tasks.filter { task in
            guard let reason = task.escalation?.reason else { return false }
            return Self.reevaluatedReasons.contains(reason)
        }
        guard let state = definition.state(change.snapshot.state) else { return }
        change.record("evaluated", from: state.id.value, note: note)
        switch state.kind {
        case .auto:
            route(state, track: nil, change: &change)
        case .parallel:
            decideTracks(undecidedTracks(change.snapshot), of: state, change: &change)
            for position in change.snapshot.tracks where !position.finished {
                guard let trackState = trackState(position.state, track: position.track, snapshot: change.snapshot),
                      case .auto = trackState.kind else { continue }
                route(trackState, track: position.track, change: &change)
            }
        case .final, .human, .wait:
            break
        }
        if !change.snapshot.status.isClosed, let problem = validator.problems(in: change.snapshot.data).first {
            escalate(.invalidData, context: ["field": .string(problem.path), "reason": .string(problem.reason)],
                     state: change.snapshot.state, track: nil, change: &change)
        }
        for task in before where change.snapshot.tasks.contains(where: { $0.id == task.id }) {
            guard let key = task.escalationKey, !change.raisedEscalations.contains(key) else { continue }
            change.close(taskID: task.id, resolution: "resolved: evaluating again no longer raises it")
        }
    }
}
