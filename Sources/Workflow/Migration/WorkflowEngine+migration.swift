import Foundation

extension WorkflowEngine {
    /// Moves a case that fits (`misfits` is empty) from `old` to this engine's version: a
    /// `migrated` history line with both versions and the mapping, then its open tasks and
    /// pending timers recomputed by this version as if the case had entered its states again,
    /// counted from when it really entered them (an SLA or a timed exit keeps the time already
    /// spent; stall detection counts from the last event). A deadline that already fell due
    /// during this stay (a breach escalated, an `after` that escalated) is not armed again. Legal
    /// clocks are carried over as they stand, their timers with them. The case does not move:
    /// only a track the new version added is opened, as on entering the parallel state.
    public func migrate(_ snapshot: CaseSnapshot, from old: WorkflowDefinition, mapping: StateMapping, actor: CaseActor,
                        now: Date) -> EngineOutcome {
        guard let main = definition.state(mapping.main(snapshot.state)) else {
            return .refused(Refusal(.unknownState, "state '\(snapshot.state)' has no counterpart in version \(definition.version.value)"))
        }
        var change = ChangeBuilder(snapshot, now: now, actor: actor.recorded)
        change.snapshot.workflowVersion = definition.version.value
        change.snapshot.state = main.id.value
        change.snapshot.waitingOn = main.waitingOn.value
        var places: [Place] = [Place(state: main, former: snapshot.state, track: nil, enteredAt: snapshot.enteredStateAt)]
        for index in change.snapshot.tracks.indices {
            let position = change.snapshot.tracks[index]
            guard let state = trackState(mapping.track(position.track, position.state), track: position.track, snapshot: change.snapshot) else {
                return .refused(Refusal(.unknownState, "track state '\(position.track).\(position.state)' has no counterpart in version \(definition.version.value)"))
            }
            change.snapshot.tracks[index].state = state.id.value
            change.snapshot.tracks[index].waitingOn = state.waitingOn.value
            change.snapshot.tracks[index].finished = state.isFinal
            if !state.isFinal {
                places.append(Place(state: state, former: position.state, track: position.track, enteredAt: position.enteredStateAt))
            }
        }
        // `to_state` only when the mapping renamed the state: the case does not move.
        change.record("migrated", from: snapshot.state, to: main.id.value == snapshot.state ? nil : main.id.value, context: [
            "from_version": .number(JSONNumber(snapshot.workflowVersion)),
            "to_version": .number(JSONNumber(definition.version.value)),
            "mapping": mapping.json,
        ])
        carryTasks(snapshot, places: places, mapping: mapping, change: &change)
        carryTimers(snapshot, places: places, mapping: mapping, old: old, change: &change)
        openAddedTracks(snapshot, main: main, old: old, change: &change)
        settleJoin(&change)
        ensureOwner(&change)
        var built = change.build()
        built.whoseMove = built.after.whoseMove(in: definition)
        // An escalation closed and opened again where the new version puts it is not a new
        // escalation for the systems outside.
        let moved = Set(built.history.filter { $0.event == "task-opened" && $0.context?.value(at: "replaces") != nil }
            .compactMap { $0.context?.value(at: "task")?.stringValue })
        var told = built
        told.openedTasks.removeAll { moved.contains($0.id.lowercasedString) }
        built.events = OutboxEvent.of(told, before: snapshot, whoseMoveBefore: snapshot.whoseMove(in: old))
        return .applied(built)
    }

    /// A state the case stands in once migrated (the main state, or an open track's), with the
    /// name it had before and when the case entered it.
    struct Place {
        var state: StateDefinition
        var former: String
        var track: String?
        var enteredAt: Date
    }

    /// Ordinary work follows its state's queue in the new version (the holder kept when the
    /// queue is the same); an escalation stays in its queue, or goes where the new version
    /// routes its reason when the queue is gone. A task whose state, queue and due time are
    /// unchanged is left as it is; any other is closed and opened again, keeping when it was
    /// opened. An open `migration-misfit` escalation is settled by the move.
    private func carryTasks(_ snapshot: CaseSnapshot, places: [Place], mapping: StateMapping, change: inout ChangeBuilder) {
        let version = definition.version.value
        for task in snapshot.tasks {
            let state = task.track.map { mapping.track($0, task.state) } ?? mapping.main(task.state)
            let timerPending = snapshot.timers.contains { $0.taskID == task.id }
            if let escalation = task.escalation {
                if escalation.reason == EscalationReason.migrationMisfit.rawValue {
                    change.close(taskID: task.id, resolution: "settled: the case moved to version \(version)")
                    continue
                }
                let queue = definition.queue(task.queue) != nil ? task.queue : escalationRoute(for: escalation.reason).queue
                if state == task.state && queue == task.queue { continue }
                let sla = queue == task.queue ? nil : escalationRoute(for: escalation.reason).sla
                let due = queue == task.queue ? task.slaDueAt
                    : sla.flatMap { deadline($0, from: task.openedAt, for: state, track: task.track, change: &change) }
                reopen(task, state: state, queue: queue, due: due, armTimer: timerPending || task.slaDueAt == nil,
                       timer: .escalationSLA, change: &change)
                continue
            }
            if let runID = task.request {
                // A request's task follows its request (which a misfit keeps from being
                // renamed): it stays in its queue while the new version gives that queue to the
                // agency asked (a hand-over kept), else goes to that agency's queue, due as before.
                let agency = snapshot.requests.first { $0.id == runID }?.agency
                let kept = agency != nil && definition.agency(ofQueue: task.queue) == agency ? task.queue : nil
                guard let agency, let queue = kept ?? definition.queue(answering: agency)?.id.value else {
                    change.close(taskID: task.id, resolution: "version \(version) has no queue for the agency asked")
                    continue
                }
                if state == task.state && queue == task.queue { continue }
                reopen(task, state: state, queue: queue, due: task.slaDueAt, armTimer: false, timer: .queueSLA, change: &change)
                continue
            }
            guard let place = places.first(where: { $0.track == task.track && $0.state.id.value == state }),
                  case .human(let queue) = place.state.kind else {
                change.close(taskID: task.id, resolution: "version \(version) has no queue for this state")
                continue
            }
            let due = definition.queue(queue.value)?.sla.flatMap { deadline($0.value, from: task.openedAt, for: state, track: task.track, change: &change) }
            if state == task.state && queue.value == task.queue && due == task.slaDueAt { continue }
            reopen(task, state: state, queue: queue.value, due: due, armTimer: timerPending || task.slaDueAt == nil,
                   timer: .queueSLA, change: &change)
        }
        // A request under way to an agency the new version gives a queue: its task opens there.
        for run in change.snapshot.requests where run.status == .sent && !change.snapshot.tasks.contains(where: { $0.request == run.id }) {
            openTask(for: run, openedAt: run.openedAt, change: &change)
        }
        // A wait state become human: its work opens, as if entered when the case entered it.
        for place in places {
            guard case .human(let queue) = place.state.kind,
                  !change.snapshot.tasks.contains(where: { $0.kind == .work && $0.track == place.track && $0.state == place.state.id.value })
            else { continue }
            let due = definition.queue(queue.value)?.sla.flatMap {
                deadline($0.value, from: place.enteredAt, for: place.state.id.value, track: place.track, change: &change)
            }
            let task = CaseTask(id: makeID(), queue: queue.value, state: place.state.id.value, track: place.track,
                                slaDueAt: due, openedAt: place.enteredAt)
            change.open(task)
            change.record("task-opened", from: task.state, track: task.track, name: task.queue,
                          context: ["task": .string(task.id.lowercasedString)])
            if let due {
                change.create(CaseTimer(id: makeID(), kind: .queueSLA, state: task.state, track: task.track, taskID: task.id, dueAt: due))
            }
        }
    }

    /// Closes `task` and opens its like where the new version puts it, with its SLA timer
    /// when the former one had not fallen due yet.
    private func reopen(_ task: CaseTask, state: String, queue: String, due: Date?, armTimer: Bool, timer kind: TimerKind,
                        change: inout ChangeBuilder) {
        change.close(taskID: task.id, resolution: "moved to version \(definition.version.value)")
        var moved = task
        moved.id = makeID()
        moved.state = state
        moved.queue = queue
        moved.slaDueAt = due
        if queue != task.queue { moved.assignee = nil }
        change.open(moved)
        change.record("task-opened", from: state, track: task.track, name: queue,
                      context: ["task": .string(moved.id.lowercasedString), "replaces": .string(task.id.lowercasedString)])
        if armTimer, let due {
            change.create(CaseTimer(id: makeID(), kind: kind, state: state, track: task.track, taskID: moved.id, dueAt: due))
        }
    }

    /// The states' own timers (`after`, `sla`, stall) are armed again by the new version from
    /// the case's entry (stall from its last event); an engine step follows its state's new
    /// name; a legal clock's timers and a task's SLA timer (see `carryTasks`) stay.
    private func carryTimers(_ snapshot: CaseSnapshot, places: [Place], mapping: StateMapping, old: WorkflowDefinition,
                             change: inout ChangeBuilder) {
        for timer in snapshot.timers {
            switch timer.kind {
            case .after, .stateSLA, .stall:
                change.remove(timerID: timer.id)
            case .step:
                let state = timer.track.map { mapping.track($0, timer.state) } ?? mapping.main(timer.state)
                guard state != timer.state else { continue }
                change.remove(timerID: timer.id)
                var moved = timer
                moved.id = makeID()
                moved.state = state
                change.create(moved)
            case .queueSLA, .escalationSLA, .clockWarning, .clockExpiry, .request:
                // A request's timer stays with its request, which fits only unmoved (`misfits`).
                continue
            }
        }
        for place in places {
            let id = place.state.id.value
            let formerState: StateDefinition? = {
                guard let track = place.track else { return old.state(place.former) }
                guard let state = old.state(snapshot.state), case .parallel(let parallel) = state.kind else { return nil }
                return parallel.track(track)?.state(place.former)
            }()
            let pending = snapshot.timers.filter { $0.track == place.track && $0.state == place.former }
            for (index, exit) in place.state.timedExits.enumerated() {
                // The same exit of the former state, no longer pending: it fell due during this stay.
                let fired = formerState?.timedExits.enumerated().contains { formerIndex, formerExit in
                    formerExit.delay.value == exit.delay.value && WorkflowOutline.text(formerExit.target) == WorkflowOutline.text(exit.target)
                        && !pending.contains { $0.kind == .after && $0.afterIndex == formerIndex }
                } ?? false
                if !fired, let due = deadline(exit.delay.value, from: place.enteredAt, for: id, track: place.track, change: &change) {
                    change.create(CaseTimer(id: makeID(), kind: .after, state: id, track: place.track, afterIndex: index, dueAt: due))
                }
            }
            let breached = formerState?.sla != nil && !pending.contains { $0.kind == .stateSLA }
            if let sla = place.state.sla?.value, !breached,
               let due = deadline(sla, from: place.enteredAt, for: id, track: place.track, change: &change) {
                change.create(CaseTimer(id: makeID(), kind: .stateSLA, state: id, track: place.track, dueAt: due))
            }
            if let stall = stallDuration(of: place.state),
               let due = deadline(stall, from: snapshot.lastEventAt, for: id, track: place.track, change: &change) {
                change.create(CaseTimer(id: makeID(), kind: .stall, state: id, track: place.track, dueAt: due))
            }
        }
    }

    /// A track the new version added to the parallel state opens as on entering it (its `when`
    /// decided on the data as it stands); the tracks the old version had keep what became of them.
    private func openAddedTracks(_ snapshot: CaseSnapshot, main: StateDefinition, old: WorkflowDefinition, change: inout ChangeBuilder) {
        guard case .parallel(let parallel) = main.kind else { return }
        let formerTracks: Set<String> = {
            guard let state = old.state(snapshot.state), case .parallel(let former) = state.kind else { return [] }
            return Set(former.tracks.map(\.id.value))
        }()
        let open = Set(change.snapshot.tracks.map(\.track))
        let added = parallel.tracks.filter { !formerTracks.contains($0.id.value) && !open.contains($0.id.value) }
        if !added.isEmpty { decideTracks(added, of: main, change: &change) }
    }
}
