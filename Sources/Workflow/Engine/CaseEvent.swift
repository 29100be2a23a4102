import Foundation

/// Something that happens to a case and that the engine turns into a change or a refusal.
public struct CaseEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// An action of the state, of an open track, or of `global_actions`, with data
        /// merged into the case before `requires` and guards are checked (`null` removes a field).
        case action(name: String, data: JSONValue?, track: String?)
        /// A pending timer fell due (by the database's clock).
        case timerFired(timerID: UUID)
        /// A person asks the engine to evaluate the current state again (after a correction).
        case evaluateAgain
        /// Move the case to any state (a track's state by naming the track), with a mandatory
        /// justification in `note`; reopening a closed case is for supervisors only.
        case override(state: String, track: String?)
        /// A person or system says the case is exceptional: `agent-raised` or an exception code.
        case raise(reason: String, track: String?)
        /// Hand an open task (an escalation, or ordinary work) to another queue.
        case handOver(taskID: UUID, queue: String)
        /// A correction of the data, merged into the case (`null` removes a field).
        case correctData(JSONValue)
        /// The worker could not write what a timer causes after `attempts` tries: the timer is
        /// consumed and the case escalated as `action-failed` with `error`.
        case timerFailed(timerID: UUID, error: String, attempts: Int)
        /// The sweep found the case open with no owner: it is escalated as `orphaned`.
        case sweepFoundNoOwner
        /// An agent's note on the case (the text is the event's `note`): the case does not move.
        case addNote
        /// Names the case's referent (an agent id), or removes it (nil). The door checks who
        /// may do it and who may be named; the case does not move.
        case setReferent(agent: String?)
        /// The answering agency answers a request (its run's id): a value for `provides`, or a refusal.
        case answerRequest(id: UUID, answer: RequestAnswer)
        /// The citizen gives (`true`) or revokes (`false`) consent to a request of the workflow.
        case setConsent(request: String, granted: Bool)
    }

    public var kind: Kind
    public var actor: CaseActor
    public var note: String?

    public init(_ kind: Kind, actor: CaseActor, note: String? = nil) {
        self.kind = kind
        self.actor = actor
        self.note = note
    }
}

/// What an answering agency says to a request.
public enum RequestAnswer: Sendable, Hashable {
    /// The value of the field the request provides (a document reference, an opinion…).
    case value(JSONValue)
    /// A refusal, with its reason: the request's fallback applies.
    case refused(String)
}
