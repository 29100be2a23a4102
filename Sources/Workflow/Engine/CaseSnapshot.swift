import Foundation

/// Everything the engine needs to know about one case to decide what an event does.
///
/// The store reads it and writes back the snapshot the engine returns, at the version it
/// read; the engine never touches the database.
public struct CaseSnapshot: Sendable, Hashable {
    public var id: UUID
    public var workflowID: String
    public var workflowVersion: Int
    /// The case data: one JSON object, dotted paths naming nested members.
    public var data: JSONValue
    public var status: CaseStatus
    /// The state of the main machine (a parallel state while tracks run).
    public var state: String
    /// The tracks of the current parallel state; empty in any other kind of state.
    public var tracks: [TrackPosition]
    /// Whose move it is: `usager`, an agency id, or `engine`.
    public var waitingOn: String
    /// Optimistic concurrency: the store increments it with every change.
    public var version: Int
    /// The open tasks: ordinary work in a queue, and escalations.
    public var tasks: [CaseTask]
    /// The pending timers: timed exits, deadlines, stall detection, engine steps.
    public var timers: [CaseTimer]
    public var createdAt: Date
    public var enteredStateAt: Date
    public var lastEventAt: Date
    /// The agent who answers for the case as a whole across its agencies (`referent:`), if any.
    public var referent: String?
    /// The legal clocks this case has started, whatever became of them (language brief,
    /// "Legal clocks"); a clock never started is absent.
    public var clocks: [ClockRun]
    /// Every request to another administration this case opened, whatever became of it.
    public var requests: [RequestRun] = []
    /// The citizen's consent per request id, as last recorded (absent: never given).
    public var consents: [String: RequestConsent] = [:]

    public init(id: UUID, workflowID: String, workflowVersion: Int, data: JSONValue, status: CaseStatus,
                state: String, tracks: [TrackPosition], waitingOn: String, version: Int, tasks: [CaseTask],
                timers: [CaseTimer], createdAt: Date, enteredStateAt: Date, lastEventAt: Date, referent: String? = nil,
                clocks: [ClockRun] = []) {
        self.id = id
        self.workflowID = workflowID
        self.workflowVersion = workflowVersion
        self.data = data
        self.status = status
        self.state = state
        self.tracks = tracks
        self.waitingOn = waitingOn
        self.version = version
        self.tasks = tasks
        self.timers = timers
        self.createdAt = createdAt
        self.enteredStateAt = enteredStateAt
        self.lastEventAt = lastEventAt
        self.referent = referent
        self.clocks = clocks
    }

    /// True while an escalation task is open.
    public var isEscalated: Bool { tasks.contains { $0.escalation != nil } }

    /// Whether the case has an owner: an open task or a pending timer (the brief's invariant).
    public var hasOwner: Bool { status.isClosed || !tasks.isEmpty || !timers.isEmpty }

    /// Whether the consent to `request` stands now.
    public func consents(to request: String) -> Bool { consents[request]?.granted == true }
}

/// Whether a case is still moving, or ended in a final state with an outcome.
public enum CaseStatus: Sendable, Hashable {
    case open
    case closed(outcome: String)

    public var isClosed: Bool {
        if case .closed = self { return true }
        return false
    }

    public var outcome: String? {
        if case .closed(let outcome) = self { return outcome }
        return nil
    }
}

/// Where one track of the current parallel state stands.
public struct TrackPosition: Sendable, Hashable {
    public var track: String
    public var state: String
    /// True once the track reached one of its final states.
    public var finished: Bool
    public var waitingOn: String
    public var enteredStateAt: Date

    public init(track: String, state: String, finished: Bool, waitingOn: String, enteredStateAt: Date) {
        self.track = track
        self.state = state
        self.finished = finished
        self.waitingOn = waitingOn
        self.enteredStateAt = enteredStateAt
    }
}
