import Foundation

/// Something due at a time: a timed exit, a deadline, stall detection, an engine step.
public struct CaseTimer: Sendable, Hashable {
    public var id: UUID
    public var kind: TimerKind
    /// The state (of the main machine, or of `track`) the timer belongs to; leaving it cancels the timer.
    /// For a legal clock's timers (`clock-warning`, `clock-expiry`): the clock's id, since a
    /// clock belongs to no state and runs across them.
    public var state: String
    public var track: String?
    /// For `.after`: which entry of the state's `after` list.
    public var afterIndex: Int?
    /// For `.queueSLA` and `.escalationSLA`: the task whose SLA it watches.
    public var taskID: UUID?
    public var dueAt: Date
    /// For `.step`: how many times the automatic step has been tried already.
    public var attempt: Int

    public init(id: UUID, kind: TimerKind, state: String, track: String? = nil, afterIndex: Int? = nil,
                taskID: UUID? = nil, dueAt: Date, attempt: Int = 0) {
        self.id = id
        self.kind = kind
        self.state = state
        self.track = track
        self.afterIndex = afterIndex
        self.taskID = taskID
        self.dueAt = dueAt
        self.attempt = attempt
    }
}

/// What a timer does when it falls due.
public enum TimerKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// An entry of the state's `after`: a timed way out or an escalation.
    case after
    /// The state's `sla`: past it, `sla-breached` (`deadline-expired` for a wait state) or `on_breach`.
    case stateSLA = "sla"
    /// No event for `stall_after` (the state's or the default): `stalled`.
    case stall
    /// A task's queue SLA passed: `sla-breached`.
    case queueSLA = "queue-sla"
    /// An escalation task's own SLA passed: it is escalated again, visibly.
    case escalationSLA = "escalation-sla"
    /// A pending engine step: evaluate the state again (after a correction, or a retry).
    case step
    /// A legal clock's `warn_before`: escalated as `clock-warning`.
    case clockWarning = "clock-warning"
    /// A legal clock's due date: its `on_expiry`.
    case clockExpiry = "clock-expiry"
    /// A request's sla (the timer has the request's id): its `on_timeout`.
    case request

    /// Whether the timer belongs to a legal clock rather than to a state.
    public var isClock: Bool { self == .clockWarning || self == .clockExpiry }
}
