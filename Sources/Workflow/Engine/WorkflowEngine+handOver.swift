import Foundation

extension WorkflowEngine {
    /// Hands an open task to another queue: the task is closed and the same work (the same
    /// escalation, if it is one) opens in `queue`, with that queue's SLA. A request's task
    /// stays within the agency asked, since only it answers, and keeps the request's due date.
    ///
    /// Allowed to operators, supervisors, the engine, and agents who work the task's queue.
    func handOver(_ taskID: UUID, to queue: String, actor: CaseActor, note: String?,
                  change: inout ChangeBuilder) throws(Refusal) {
        guard let task = change.snapshot.tasks.first(where: { $0.id == taskID }) else {
            throw Refusal(.unknownTask, "the case has no open task \(taskID.lowercasedString)")
        }
        guard let target = definition.queue(queue) else {
            var message = "'\(queue)' is not a queue of this workflow"
            if let close = Suggestion.closest(to: queue, among: definition.queues.map(\.id.value)) {
                message += "; did you mean '\(close)'?"
            }
            throw Refusal(.unknownQueue, message)
        }
        let allowed: Bool
        switch actor.kind {
        case .operatorUser, .engine: allowed = true
        case .citizen: allowed = false
        case .agent(_, _, _, let supervisor): allowed = supervisor || actor.works(definition.queue(task.queue))
        }
        guard allowed else {
            throw Refusal(.notAllowed, "only agents of queue '\(task.queue)' or a supervisor may hand this task to another queue")
        }
        if task.request != nil, let asked = definition.agency(ofQueue: task.queue), definition.agency(ofQueue: queue) != asked {
            throw Refusal(.notAllowed, "this task asks '\(asked)' to answer a request: it goes only to another queue of '\(asked)'")
        }
        change.close(taskID: taskID, resolution: "handed to queue '\(queue)'")
        let dueAt = task.request != nil ? task.slaDueAt : target.sla.flatMap { deadline($0.value, for: task.state, track: task.track, change: &change) }
        let moved = CaseTask(id: makeID(), queue: queue, state: task.state, track: task.track, escalation: task.escalation,
                             request: task.request, slaDueAt: dueAt, openedAt: change.now)
        change.open(moved)
        change.record("handed-over", from: task.state, track: task.track, name: queue,
                      reason: task.escalation?.reason,
                      context: ["from_queue": .string(task.queue), "to_queue": .string(queue),
                                "task": .string(task.id.lowercasedString), "new_task": .string(moved.id.lowercasedString)],
                      note: note)
        if let dueAt, task.request == nil {
            change.create(CaseTimer(id: makeID(), kind: task.escalation == nil ? .queueSLA : .escalationSLA,
                                    state: task.state, track: task.track, taskID: moved.id, dueAt: dueAt))
        }
    }
}
