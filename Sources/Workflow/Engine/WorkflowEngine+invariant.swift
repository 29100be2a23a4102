import Foundation

extension WorkflowEngine {
    /// Re-arms the stall detection of every state still active (the main state and each open
    /// track's state): any applied event means something happened, so `stall_after` counts from
    /// now. A stall timer this change created (on entering the state) is already fresh.
    func rearmStallTimers(_ change: inout ChangeBuilder) {
        guard !change.snapshot.status.isClosed else { return }
        var active: [(StateDefinition, String?)] = []
        if let main = definition.state(change.snapshot.state) { active.append((main, nil)) }
        for position in change.snapshot.tracks where !position.finished {
            if let state = trackState(position.state, track: position.track, snapshot: change.snapshot) {
                active.append((state, position.track))
            }
        }
        for (state, track) in active {
            guard let stall = stallDuration(of: state) else { continue }
            let id = state.id.value
            let current = change.snapshot.timers.filter { $0.kind == .stall && $0.state == id && $0.track == track }
            if current.contains(where: { change.created(timerID: $0.id) }) { continue }
            for timer in current { change.remove(timerID: timer.id) }
            if let dueAt = deadline(stall, for: id, track: track, change: &change) {
                change.create(CaseTimer(id: makeID(), kind: .stall, state: id, track: track, dueAt: dueAt))
            }
        }
    }

    /// The owner invariant: an open case must end the change with an open task or a pending
    /// timer. Should the computed change leave it without either (a workflow whose state has no
    /// deadline and no queue, say), the case is escalated as `orphaned` so a person owns it.
    func ensureOwner(_ change: inout ChangeBuilder) {
        guard !change.snapshot.hasOwner else { return }
        let snapshot = change.snapshot
        var context: [String: JSONValue] = [
            "state": .string(snapshot.state),
            "found": "no open task and no pending timer after the change",
        ]
        if !snapshot.tracks.isEmpty {
            context["tracks"] = .array(snapshot.tracks.map { .string("\($0.track)/\($0.state)") })
        }
        escalate(.orphaned, context: context, state: snapshot.state, track: nil, change: &change)
    }
}
