import Foundation

/// A due timer a worker holds under a lease, with what it needs to apply it.
public struct ClaimedTimer: Sendable, Hashable {
    public var id: UUID
    public var caseID: UUID
    public var workflowID: String
    public var workflowVersion: Int
    public var kind: TimerKind
    public var dueAt: Date
    /// How many times applying it has failed already.
    public var attempt: Int
}
