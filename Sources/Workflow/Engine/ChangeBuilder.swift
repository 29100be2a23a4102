import Foundation

/// The change of one case being computed: the case as it stands so far, and everything
/// the store will have to write (history, tasks opened and closed, timers created and removed).
///
/// The engine works on one builder per event and throws a `Refusal` to abandon it, so a
/// refused event never leaves half a change behind. Opening then closing a task (or creating
/// then removing a timer) within the same change cancels out: the store only sees what remains.
struct ChangeBuilder {
    /// The case as it was before the event.
    let original: CaseSnapshot
    /// The case as it stands so far.
    var snapshot: CaseSnapshot
    let now: Date
    /// How the actor is recorded in the history.
    let actor: String
    private(set) var history: [HistoryEntry] = []
    private(set) var openedTasks: [CaseTask] = []
    private(set) var closedTasks: [ClosedTask] = []
    private(set) var createdTimers: [CaseTimer] = []
    private(set) var removedTimers: [UUID] = []
    /// Automatic moves made in this change (auto states evaluated, joins satisfied), to bound loops.
    var automaticSteps = 0
    /// The states of those automatic moves, in order, for the loop's escalation context.
    var automaticPath: [String] = []
    /// The engine-raised escalations asked for during this change (opened, or found already open).
    var raisedEscalations: Set<EscalationKey> = []
    /// How many times the automatic step being retried has failed already (the firing `step`
    /// timer's attempt), so that a further failure counts on from there.
    var stepFailures = 0

    init(_ snapshot: CaseSnapshot, now: Date, actor: String) {
        self.original = snapshot
        self.snapshot = snapshot
        self.now = now
        self.actor = actor
    }

    /// The change as the store writes it.
    func build() -> CaseChange {
        CaseChange(after: snapshot, history: history, openedTasks: openedTasks, closedTasks: closedTasks,
                   createdTimers: createdTimers, removedTimers: removedTimers)
    }

    // MARK: History

    /// Whose move it is in `track` (the main state's party when nil or not open).
    func waitingOn(track: String?) -> String {
        guard let track, let position = snapshot.tracks.first(where: { $0.track == track }) else {
            return snapshot.waitingOn
        }
        return position.waitingOn
    }

    /// Appends a history entry, attributed to the party whose move it is at this point.
    mutating func record(_ event: String, from fromState: String? = nil, to toState: String? = nil,
                         track: String? = nil, name: String? = nil, dataDiff: JSONValue? = nil,
                         reason: String? = nil, context: JSONValue? = nil, note: String? = nil,
                         waitingOn: String? = nil) {
        history.append(HistoryEntry(
            event: event, actor: actor, fromState: fromState, toState: toState, track: track, name: name,
            dataDiff: dataDiff, reason: reason, context: context, note: note,
            waitingOn: waitingOn ?? self.waitingOn(track: track), at: now))
    }

    // MARK: Tasks

    mutating func open(_ task: CaseTask) {
        snapshot.tasks.append(task)
        openedTasks.append(task)
    }

    /// Closes an open task, with its SLA timers, and records why.
    mutating func close(taskID: UUID, resolution: String) {
        guard let index = snapshot.tasks.firstIndex(where: { $0.id == taskID }) else { return }
        let task = snapshot.tasks.remove(at: index)
        if let opened = openedTasks.firstIndex(where: { $0.id == taskID }) {
            openedTasks.remove(at: opened)
        } else {
            closedTasks.append(ClosedTask(id: taskID, resolution: resolution))
        }
        for timer in snapshot.timers where timer.taskID == taskID {
            remove(timerID: timer.id)
        }
        var context: [String: JSONValue] = ["task": .string(task.id.lowercasedString), "queue": .string(task.queue)]
        if let escalation = task.escalation { context["escalation"] = .string(escalation.reason) }
        record("task-closed", from: task.state, track: task.track, reason: resolution, context: .object(context))
    }

    // MARK: Timers

    mutating func create(_ timer: CaseTimer) {
        snapshot.timers.append(timer)
        createdTimers.append(timer)
    }

    /// Removes a pending timer: cancelled, or consumed because it fired.
    mutating func remove(timerID: UUID) {
        guard let index = snapshot.timers.firstIndex(where: { $0.id == timerID }) else { return }
        snapshot.timers.remove(at: index)
        if let created = createdTimers.firstIndex(where: { $0.id == timerID }) {
            createdTimers.remove(at: created)
        } else {
            removedTimers.append(timerID)
        }
    }

    /// Whether this change created the timer (rather than finding it pending).
    func created(timerID: UUID) -> Bool { createdTimers.contains { $0.id == timerID } }
}

/// What makes two engine-raised escalations the same one: the reason, where it stands, and
/// what it is about (the track whose `when` could not be decided), so that evaluating again
/// neither duplicates an escalation that still holds nor keeps one that no longer does.
struct EscalationKey: Hashable {
    var reason: String
    var state: String
    var track: String?
    var subject: String?
}

extension CaseTask {
    /// The key of this task's escalation, or nil for ordinary work.
    var escalationKey: EscalationKey? {
        guard let escalation else { return nil }
        return EscalationKey(reason: escalation.reason, state: state, track: track,
                             subject: escalation.context.value(at: "track")?.stringValue)
    }
}
