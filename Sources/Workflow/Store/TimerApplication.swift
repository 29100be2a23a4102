import Foundation

/// What applying one claimed timer did.
public struct TimerApplication: Sendable {
    public enum Result: Sendable, Equatable {
        /// The case changed: the escalations it opened (their reasons), and its state after.
        case applied(escalations: [String], state: String, closed: Bool)
        /// Nothing to do, and why: the timer was applied or cancelled meanwhile, another worker
        /// holds it, or the case is closed (the timer is then simply removed).
        case skipped(String)
    }

    public var timer: ClaimedTimer
    public var result: Result
    /// The database's time when it was applied.
    public var appliedAt: Date
}
