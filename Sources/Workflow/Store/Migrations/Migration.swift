/// One numbered schema change, applied once, in order, inside a transaction.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The statements, applied in order in one transaction (one statement each: the
    /// extended protocol that binds parameters takes no batches).
    public let statements: [String]

    /// Every migration of the project, in order. Append; never edit one that has shipped.
    public static let all: [Migration] = [
        Migration001CoreSchema.migration,
        Migration002Worker.migration,
        Migration003Agents.migration,
        Migration004Journal.migration,
        Migration005Supervision.migration,
        Migration006WebSessions.migration,
        Migration007NoteVisibility.migration,
        Migration008OwnerCheckPlans.migration,
        Migration009WriteConflict.migration,
        Migration010HotUpdates.migration,
        Migration011OwnerCheckWhenLost.migration,
        Migration012WhoseMove.migration,
        Migration013SearchUnaccent.migration,
        Migration014Outbox.migration,
        Migration015IdempotencyKeys.migration,
        Migration016ExternalRefs.migration,
        Migration017Webhooks.migration,
        Migration018OIDCSignIn.migration,
        Migration019AgentChanges.migration,
        Migration020Clocks.migration,
        Migration022Referent.migration,
        Migration024Requests.migration,
        Migration025RequestTasks.migration,
    ]
}
