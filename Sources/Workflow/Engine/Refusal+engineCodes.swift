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
