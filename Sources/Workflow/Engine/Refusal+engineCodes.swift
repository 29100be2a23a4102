extension Refusal.Code {
    /// An action's guard could not be evaluated (bad data, a division by zero): the message says why.
    public static let guardFailed = Refusal.Code("guard-failed")
    /// The case runs on another workflow, or another version of it, than the engine's definition.
    public static let workflowMismatch = Refusal.Code("workflow-mismatch")
}

extension Refusal.Code {
    /// The sweep asked to escalate a case that has an owner after all.
    public static let notOrphaned = Refusal.Code("not-orphaned")
}

extension Refusal.Code {
    /// The case has no request with that id.
    public static let unknownRequest = Refusal.Code("unknown-request")
    /// The request cannot take this answer any more (refused, expired, stopped, cancelled).
    public static let requestClosed = Refusal.Code("request-closed")
}
