import Foundation

/// One opening of a request to another administration, and what became of it (language
/// brief, "Requests to other administrations"). Kept for good: the portal shows the person
/// every request, sent or not, and when it was answered.
public struct RequestRun: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        /// Delivered to the answering agency; its sla timer (same id as the run) owns the case.
        case sent
        /// Answered: the value filled `provides`; a later answer is a new version.
        case answered
        /// The answering agency refused; the fallback applied.
        case refused
        /// The sla passed unanswered; `on_timeout` applied.
        case expired
        /// Never sent: the consent it needs was not given; the fallback applied.
        case withheld
        /// Stopped unanswered by the revocation of the consent; the fallback applied.
        case stopped
        /// Stopped unanswered because the case left the state that opened it.
        case cancelled
    }

    public var id: UUID
    /// The request's id in the workflow (`requests:`).
    public var request: String
    /// The agency asked (`to`), and the field its answer fills (`provides`).
    public var agency: String
    public var field: String
    /// The state (of the main machine, or of `track`) that opened it.
    public var state: String
    public var track: String?
    public var status: Status
    public var openedAt: Date
    /// When the answer is due; nil for a request never sent.
    public var dueAt: Date?
    /// When it was last answered, refused, or stopped.
    public var closedAt: Date?
    /// How many answers were received: each later one is a new version of the value.
    public var versions: Int
    /// Why it was refused, withheld, stopped or cancelled.
    public var reason: String?
    /// Whether the fallback asked the citizen to provide the field.
    public var askedCitizen: Bool
    /// The digest of the value last received (`AccessJournal.Source.digest`): a read of the
    /// field is journaled as provided by the agency only while the field still holds it.
    public var answerDigest: String?

    public init(id: UUID, request: String, agency: String, field: String, state: String, track: String?, status: Status,
                openedAt: Date, dueAt: Date?, closedAt: Date? = nil, versions: Int = 0, reason: String? = nil,
                askedCitizen: Bool = false, answerDigest: String? = nil) {
        self.id = id
        self.request = request
        self.agency = agency
        self.field = field
        self.state = state
        self.track = track
        self.status = status
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.closedAt = closedAt
        self.versions = versions
        self.reason = reason
        self.askedCitizen = askedCitizen
        self.answerDigest = answerDigest
    }

    /// Whether it ever reached the agency asked: only a sent request gets a due date (one
    /// withheld, then cancelled or stopped, never did).
    public var wasSent: Bool { dueAt != nil }

    /// Whether the answering agency may still answer (a first answer, or a newer version).
    public var mayBeAnswered: Bool { status == .sent || status == .answered }
}

/// The citizen's consent to one request of a case, as last recorded (opt-in: absent means
/// not given).
public struct RequestConsent: Sendable, Hashable {
    public var granted: Bool
    public var at: Date
    public var by: String

    public init(granted: Bool, at: Date, by: String) {
        self.granted = granted
        self.at = at
        self.by = by
    }
}
