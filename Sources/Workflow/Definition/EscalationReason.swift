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

    /// The codes reserved by the engine; exception codes must differ from them.
    public static let builtIn: Set<String> = Set(allCases.map(\.rawValue))
}
