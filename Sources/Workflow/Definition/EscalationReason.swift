/// The reasons a case leaves the ordinary path, as the brief names them.
public enum EscalationReason: String, CaseIterable, Sendable, Codable {
    case noRuleMatched = "no-rule-matched"
    case missingData = "missing-data"
    case invalidData = "invalid-data"
    case slaBreached = "sla-breached"
    case deadlineExpired = "deadline-expired"
    case stalled = "stalled"
    case actionFailed = "action-failed"
    case orphaned = "orphaned"
    case agentRaised = "agent-raised"
    /// A legal clock's `warn_before` was reached (its computation is the context).
    case clockWarning = "clock-warning"
    /// A legal clock expired and its `on_expiry` escalates (its computation is the context).
    case clockExpired = "clock-expired"
    /// A case that a migration to another version of its workflow could not move: the context
    /// says which version and every reason, for a person to settle.
    case migrationMisfit = "migration-misfit"

    /// The codes reserved by the engine; exception codes must differ from them.
    public static let builtIn: Set<String> = Set(allCases.map(\.rawValue))
}
