import Foundation

/// One line of a case's append-only history.
public struct HistoryEntry: Sendable, Hashable {
    /// What happened: `created`, `action`, `timer`, `entered`, `track-opened`, `track-finished`,
    /// `escalated`, `task-opened`, `task-closed`, `override`, `evaluated`, `data-corrected`,
    /// `handed-over`, `closed`, `reopened`, `referent` (the case's referent named, changed or
    /// removed: `name` is the new one, `context` says `from` and `to`).
    public var event: String
    public var actor: String
    public var fromState: String?
    public var toState: String?
    public var track: String?
    /// The action fired, the timer kind, or the exception raised.
    public var name: String?
    /// The data that changed: `{"path": {"from": old, "to": new}}`, or null.
    public var dataDiff: JSONValue?
    /// The escalation reason, the refusal reason, the task's resolution.
    public var reason: String?
    /// What a person needs to understand the entry (rule values, missing field, deadline…).
    public var context: JSONValue?
    public var note: String?
    /// Who may read `note`: agencies, `role:ID`s or `all`; nil means every agency that knows the
    /// case (entries without a note, and notes from before notes had a visibility).
    public var noteVisibleTo: [String]?
    /// Whose move it was when the entry was written, so that time is attributed to a party.
    public var waitingOn: String
    public var at: Date

    public init(event: String, actor: String, fromState: String? = nil, toState: String? = nil, track: String? = nil,
                name: String? = nil, dataDiff: JSONValue? = nil, reason: String? = nil, context: JSONValue? = nil,
                note: String? = nil, noteVisibleTo: [String]? = nil, waitingOn: String, at: Date) {
        self.event = event
        self.actor = actor
        self.fromState = fromState
        self.toState = toState
        self.track = track
        self.name = name
        self.dataDiff = dataDiff
        self.reason = reason
        self.context = context
        self.note = note
        self.noteVisibleTo = noteVisibleTo
        self.waitingOn = waitingOn
        self.at = at
    }
}
