import Foundation

/// Human work waiting in a queue: the ordinary task of a human state, an escalation, or a
/// request to answer for another administration.
public struct CaseTask: Sendable, Hashable {
    /// What the task asks of its queue, as the `tasks.kind` column says it.
    public enum Kind: String, Sendable, CaseIterable {
        case work, escalation, request
    }

    public var id: UUID
    public var queue: String
    /// The state (of the main machine, or of `track`) the task belongs to; leaving it closes the task.
    public var state: String
    public var track: String?
    /// Set for an escalation: why the case left the ordinary path.
    public var escalation: Escalation?
    /// Set for a request's task: the request (its run's id) the agency asked is to answer.
    public var request: UUID?
    public var assignee: String?
    /// When the queue's (or the exception's) SLA for this task passes.
    public var slaDueAt: Date?
    public var openedAt: Date

    public init(id: UUID, queue: String, state: String, track: String? = nil, escalation: Escalation? = nil,
                request: UUID? = nil, assignee: String? = nil, slaDueAt: Date? = nil, openedAt: Date) {
        self.id = id
        self.queue = queue
        self.state = state
        self.track = track
        self.escalation = escalation
        self.request = request
        self.assignee = assignee
        self.slaDueAt = slaDueAt
        self.openedAt = openedAt
    }

    public var kind: Kind { escalation != nil ? .escalation : request != nil ? .request : .work }

    /// A task as its row keeps it: an escalation has a reason, a request's task names its
    /// request in its context, ordinary work has neither.
    static func columns(reason: String?, context: JSONValue?) -> (escalation: Escalation?, request: UUID?) {
        if let reason { return (Escalation(reason: reason, context: context ?? .object([:])), nil) }
        return (nil, context?.value(at: "request_id")?.stringValue.flatMap(UUID.init(uuidString:)))
    }
}

/// Why and how a case was escalated: the reason code and what a person needs to act.
public struct Escalation: Sendable, Hashable {
    /// A built-in reason (`EscalationReason`) or an exception code of the workflow.
    public var reason: String
    /// The context: the rule that did not match and the values it saw, the missing field,
    /// the deadline that passed, the error text… always a JSON object.
    public var context: JSONValue

    public init(reason: String, context: JSONValue = .object([:])) {
        self.reason = reason
        self.context = context
    }
}

/// A task closed by a change, and why.
public struct ClosedTask: Sendable, Hashable {
    public var id: UUID
    /// Why it closed, for the history: "state left", "resolved by override", "handed to queue x"…
    public var resolution: String

    public init(id: UUID, resolution: String) {
        self.id = id
        self.resolution = resolution
    }
}
