import Foundation

extension WorkflowEngine {
    /// Enters a state of the main machine: records it, then does what its kind asks (opens the
    /// queue's task, arms its deadlines, opens the tracks, routes at once, or closes the case).
    func enterMain(_ state: StateDefinition, from previous: String?, change: inout ChangeBuilder) {
        let id = state.id.value
        change.snapshot.state = id
        change.snapshot.tracks = []
        change.snapshot.waitingOn = state.waitingOn.value
        change.snapshot.enteredStateAt = change.now
        change.record("entered", from: previous, to: id)
        switch state.kind {
        case .final(let outcome):
            closeCase(outcome: outcome?.value ?? "closed", change: &change)
        case .parallel(let parallel):
            armDeadlines(of: state, track: nil, change: &change)
            openRequests(of: state, track: nil, change: &change)
            openTracks(of: state, parallel, change: &change)
            settleJoin(&change)
        case .auto:
            route(state, track: nil, change: &change)
        case .human(let queue):
            openWork(in: state, queue: queue.value, track: nil, change: &change)
            armDeadlines(of: state, track: nil, change: &change)
            openRequests(of: state, track: nil, change: &change)
        case .wait:
            armDeadlines(of: state, track: nil, change: &change)
            openRequests(of: state, track: nil, change: &change)
        }
    }

    /// Enters a state of an open track (opening the track's position when it has none yet).
    ///
    /// A final state finishes the track; whether the join is satisfied is decided once the
    /// event's other moves are done (`settleJoin`), so that opening several tracks at once
    /// never leaves the parallel state before the last one is opened.
    func enterTrack(_ track: String, state: StateDefinition, from previous: String?, change: inout ChangeBuilder) {
        let id = state.id.value
        let position = TrackPosition(track: track, state: id, finished: state.isFinal,
                                     waitingOn: state.waitingOn.value, enteredStateAt: change.now)
        if let index = change.snapshot.tracks.firstIndex(where: { $0.track == track }) {
            change.snapshot.tracks[index] = position
        } else {
            change.snapshot.tracks.append(position)
        }
        change.record("entered", from: previous, to: id, track: track)
        switch state.kind {
        case .final(let outcome):
            change.record("track-finished", to: id, track: track, reason: outcome?.value)
        case .auto:
            route(state, track: track, change: &change)
        case .human(let queue):
            openWork(in: state, queue: queue.value, track: track, change: &change)
            armDeadlines(of: state, track: track, change: &change)
            openRequests(of: state, track: track, change: &change)
        case .wait, .parallel:
            // A parallel state inside a track is refused by the loader; should one get here,
            // it is held like a wait state, with its deadlines.
            armDeadlines(of: state, track: track, change: &change)
            openRequests(of: state, track: track, change: &change)
        }
    }

    /// The case reached a final state of the main machine: it is closed with the outcome, and
    /// every task and timer it still had ends with it.
    func closeCase(outcome: String, change: inout ChangeBuilder) {
        cancelRequests(track: nil, everyTrack: true, reason: "the case closed (\(outcome))", change: &change)
        for task in change.snapshot.tasks {
            change.close(taskID: task.id, resolution: "case closed (\(outcome))")
        }
        for timer in change.snapshot.timers {
            change.remove(timerID: timer.id)
        }
        change.snapshot.status = .closed(outcome: outcome)
        change.record("closed", from: change.snapshot.state, reason: outcome)
    }

    /// Leaves the main state: closes every task and cancels every timer of the case, those of
    /// every track included, since they all belong to the state being left; a legal clock's
    /// timers stay (a clock runs across states; `settleClocks` decides what becomes of it).
    func leaveMain(resolution: String, change: inout ChangeBuilder) {
        cancelRequests(track: nil, everyTrack: true, reason: "the case left the state that opened it: \(resolution)", change: &change)
        for task in change.snapshot.tasks {
            change.close(taskID: task.id, resolution: resolution)
        }
        for timer in change.snapshot.timers where !timer.kind.isClock {
            change.remove(timerID: timer.id)
        }
        change.snapshot.tracks = []
    }

    /// Leaves the current state of a track: closes its tasks and cancels its timers.
    func leaveTrackState(_ track: String, resolution: String, change: inout ChangeBuilder) {
        cancelRequests(track: track, everyTrack: false, reason: "the track left the state that opened it: \(resolution)", change: &change)
        for task in change.snapshot.tasks where task.track == track {
            change.close(taskID: task.id, resolution: resolution)
        }
        for timer in change.snapshot.timers where timer.track == track {
            change.remove(timerID: timer.id)
        }
    }

    /// Moves to `target`: a state of `track` when one is given, else of the main machine.
    /// A target the workflow does not define (possible only in a workflow with errors) is
    /// escalated as `action-failed` rather than crashing or dropping the case.
    func move(to target: String, track: String?, from state: StateDefinition, resolution: String,
              change: inout ChangeBuilder) {
        if let track {
            guard let next = trackState(target, track: track, snapshot: change.snapshot) else {
                escalate(.actionFailed, context: ["error": .string("state '\(target)' is not defined in track '\(track)'")],
                         state: state.id.value, track: track, change: &change)
                return
            }
            leaveTrackState(track, resolution: resolution, change: &change)
            enterTrack(track, state: next, from: state.id.value, change: &change)
        } else {
            guard let next = definition.state(target) else {
                escalate(.actionFailed, context: ["error": .string("state '\(target)' is not defined")],
                         state: state.id.value, track: nil, change: &change)
                return
            }
            leaveMain(resolution: resolution, change: &change)
            enterMain(next, from: state.id.value, change: &change)
        }
    }

    /// Opens the ordinary task of a human state in its queue, with the queue's SLA.
    func openWork(in state: StateDefinition, queue: String, track: String?, change: inout ChangeBuilder) {
        let sla = definition.queue(queue)?.sla?.value
        let dueAt = sla.flatMap { deadline($0, for: state.id.value, track: track, change: &change) }
        let task = CaseTask(id: makeID(), queue: queue, state: state.id.value, track: track, slaDueAt: dueAt,
                            openedAt: change.now)
        change.open(task)
        change.record("task-opened", from: state.id.value, track: track, name: queue,
                      context: ["task": .string(task.id.lowercasedString)])
        if let dueAt {
            change.create(CaseTimer(id: makeID(), kind: .queueSLA, state: state.id.value, track: track,
                                    taskID: task.id, dueAt: dueAt))
        }
    }

    /// Arms a state's timers, counted from now: each `after` entry, the `sla`, and the stall
    /// detection (`stall_after`, or the deployment's default for a state without deadline).
    func armDeadlines(of state: StateDefinition, track: String?, change: inout ChangeBuilder) {
        let id = state.id.value
        for (index, exit) in state.timedExits.enumerated() {
            if let dueAt = deadline(exit.delay.value, for: id, track: track, change: &change) {
                change.create(CaseTimer(id: makeID(), kind: .after, state: id, track: track, afterIndex: index, dueAt: dueAt))
            }
        }
        if let sla = state.sla?.value, let dueAt = deadline(sla, for: id, track: track, change: &change) {
            change.create(CaseTimer(id: makeID(), kind: .stateSLA, state: id, track: track, dueAt: dueAt))
        }
        if let stall = stallDuration(of: state), let dueAt = deadline(stall, for: id, track: track, change: &change) {
            change.create(CaseTimer(id: makeID(), kind: .stall, state: id, track: track, dueAt: dueAt))
        }
    }

    /// How long the state may sit with no event: its `stall_after`, or the default when it has
    /// no deadline of its own. Auto and final states never hold a case, so never stall.
    func stallDuration(of state: StateDefinition) -> WorkflowDuration? {
        switch state.kind {
        case .auto, .final: return nil
        case .human, .wait, .parallel:
            if let stall = state.stallAfter?.value { return stall }
            return state.usesDefaultStall ? definition.defaultStallAfter : nil
        }
    }

    /// `base` (now, unless counted from an earlier entry) plus `duration` in the deployment's
    /// calendar; a deadline that cannot be computed
    /// (beyond the calendar's range) is escalated as `action-failed` instead of being lost.
    func deadline(_ duration: WorkflowDuration, from base: Date? = nil, for state: String, track: String?,
                  change: inout ChangeBuilder) -> Date? {
        do {
            return try duration.added(to: base ?? change.now, in: calendar)
        } catch {
            escalate(.actionFailed, context: ["error": .string("the deadline \(duration) cannot be computed: \(error)")],
                     state: state, track: track, change: &change)
            return nil
        }
    }
}
