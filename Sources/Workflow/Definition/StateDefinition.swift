/// One state of the workflow or of a parallel track; its kind follows from its keys.
public struct StateDefinition: Sendable {
    public var id: Located<String>
    public var kind: StateKind
    public var title: String?
    public var description: String?
    public var publicLabel: String?
    /// Actions fired by an agent, the citizen's portal or another system (`on:`).
    public var actions: [TransitionDefinition]
    /// Timed ways out, counted from entering the state (`after:`).
    public var timedExits: [TimedExit]
    public var sla: Located<WorkflowDuration>?
    public var onBreach: Located<String>?
    /// The `stall_after` written in the file, if any.
    public var stallAfter: Located<WorkflowDuration>?
    /// Whose move it is: `usager`, an agency id, or `engine` (defaults applied by the loader).
    public var waitingOn: Located<String>
    /// True when `stall_after` was not written and the deployment's default applies.
    public var usesDefaultStall: Bool
    /// The requests to other administrations opened on entering the state (`requests:`).
    public var requests: [Located<String>] = []

    public init(id: Located<String>, kind: StateKind, title: String? = nil, description: String? = nil,
                publicLabel: String? = nil, actions: [TransitionDefinition] = [], timedExits: [TimedExit] = [],
                sla: Located<WorkflowDuration>? = nil, onBreach: Located<String>? = nil,
                stallAfter: Located<WorkflowDuration>? = nil, waitingOn: Located<String>, usesDefaultStall: Bool = false) {
        self.id = id
        self.kind = kind
        self.title = title
        self.description = description
        self.publicLabel = publicLabel
        self.actions = actions
        self.timedExits = timedExits
        self.sla = sla
        self.onBreach = onBreach
        self.stallAfter = stallAfter
        self.waitingOn = waitingOn
        self.usesDefaultStall = usesDefaultStall
    }

    public var isFinal: Bool {
        if case .final = kind { return true }
        return false
    }

    public func action(_ name: String) -> TransitionDefinition? {
        actions.first { $0.action.value == name }
    }

    /// The states this state can move to by itself: actions, timed exits, rules, the join.
    public var successors: [Located<String>] {
        var targets = actions.compactMap(\.target.state) + timedExits.compactMap(\.target.state)
        switch kind {
        case .auto(let rules, let otherwise):
            targets += rules.compactMap(\.target.state)
            if let otherwise, let state = otherwise.state { targets.append(state) }
        case .parallel(let parallel):
            targets.append(parallel.next)
        case .final, .human, .wait:
            break
        }
        return targets
    }
}

/// What a state does with a case, decided by its keys in the brief's order.
public enum StateKind: Sendable {
    /// `final: true`; the outcome (`accepted`, `rejected`, `withdrawn`, or the designer's word).
    case final(outcome: Located<String>?)
    /// `tracks:`; each track runs on its own until the join.
    case parallel(ParallelStateDefinition)
    /// `choose:`; evaluated as soon as the case enters.
    case auto(rules: [ChooseRule], otherwise: TransitionTarget?)
    /// `queue:`; waits for an agent of that queue.
    case human(queue: Located<String>)
    /// `waiting_on:` without a queue; waits for the citizen or another party.
    case wait

    public var name: String {
        switch self {
        case .final: "final"
        case .parallel: "parallel"
        case .auto: "auto"
        case .human: "human"
        case .wait: "wait"
        }
    }
}

/// The tracks of a parallel state, how they join, and where the case goes next.
public struct ParallelStateDefinition: Sendable {
    public enum Join: String, Sendable {
        case all
        case any
    }

    public var tracks: [TrackDefinition]
    public var join: Join
    public var next: Located<String>

    public init(tracks: [TrackDefinition], join: Join, next: Located<String>) {
        self.tracks = tracks
        self.join = join
        self.next = next
    }

    public func track(_ id: String) -> TrackDefinition? { tracks.first { $0.id.value == id } }
}

/// A small machine of its own inside a parallel state, usually worked by one agency.
public struct TrackDefinition: Sendable {
    public var id: Located<String>
    public var agency: Located<String>?
    /// The track opens only for cases where this holds.
    public var when: ExpressionSource?
    public var start: Located<String>
    public var states: [StateDefinition]

    public init(id: Located<String>, agency: Located<String>? = nil, when: ExpressionSource? = nil,
                start: Located<String>, states: [StateDefinition]) {
        self.id = id
        self.agency = agency
        self.when = when
        self.start = start
        self.states = states
    }

    public func state(_ id: String) -> StateDefinition? { states.first { $0.id.value == id } }
}
