/// A workflow as its designer wrote it: one YAML file, one id and version.
///
/// Every element keeps the location it was read from, so that errors found later,
/// at run time too, point back at the YAML.
public struct WorkflowDefinition: Sendable {
    public var id: Located<String>
    public var version: Located<Int>
    public var title: String?
    public var description: String?
    public internal(set) var agencies: [AgencyDefinition]
    public internal(set) var roles: [RoleDefinition]
    public internal(set) var queues: [QueueDefinition]
    public internal(set) var fields: [FieldSpec]
    public internal(set) var exceptions: [ExceptionDefinition]
    public var escalationQueue: Located<String>?
    /// `override_by`: when present, only these roles (and supervisors) may override.
    public var overrideBy: [Located<String>]?
    /// `referent:` as written; nil when absent (`referentRules` gives the defaults then).
    public var referent: ReferentDefinition?
    /// `summary`: the field paths that identify a case to a person (name, birth date…), shown
    /// in lists and at the top of the case, each only to those who may see the field.
    public var summary: [Located<String>] = []
    public var globalActions: [TransitionDefinition]
    /// `clocks:`: legal deadlines that run across states (language brief, "Legal clocks").
    public var clocks: [ClockDefinition] = []
    /// `requests:`: what the workflow asks of other administrations (language brief,
    /// "Requests to other administrations").
    public var requests: [RequestDefinition] = []
    /// The agencies the workflow only asks (`requests:` `to`) and that take no other part in
    /// it (`participatingAgencies`): their agents and systems know a case only once a request
    /// was sent to them on it (consent, when needed, given), and never list the workflow's
    /// other cases. Set by the loader (`settleAgenciesOnlyAsked`).
    public internal(set) var agenciesOnlyAsked: Set<String> = []
    public var start: Located<String>
    public internal(set) var states: [StateDefinition]
    /// The `stall_after` given to states that carry no `after`, `sla` or `stall_after`.
    public var defaultStallAfter: WorkflowDuration
    /// Names declared in the file whose definition had errors: references to them are not
    /// reported again as unknown.
    public var namesWithErrors: Set<String> = []
    /// Where each named element stands in its array, for lookups in constant time; built
    /// once, which is why the arrays are only changed inside the module, never their names.
    private var index = Index()

    private struct Index: Sendable {
        var agencies: [String: Int] = [:], roles: [String: Int] = [:], queues: [String: Int] = [:]
        var fields: [String: Int] = [:], exceptions: [String: Int] = [:], states: [String: Int] = [:]
    }

    /// The first position of each name: a duplicate is reported by the reader at its key.
    private static func positions<T>(_ items: [T], by name: (T) -> String) -> [String: Int] {
        var result: [String: Int] = [:]
        for (position, item) in items.enumerated() where result[name(item)] == nil {
            result[name(item)] = position
        }
        return result
    }

    public init(id: Located<String>, version: Located<Int>, title: String? = nil, description: String? = nil,
                agencies: [AgencyDefinition] = [], roles: [RoleDefinition] = [], queues: [QueueDefinition] = [],
                fields: [FieldSpec] = [], exceptions: [ExceptionDefinition] = [], escalationQueue: Located<String>? = nil,
                globalActions: [TransitionDefinition] = [], start: Located<String>, states: [StateDefinition] = [],
                defaultStallAfter: WorkflowDuration) {
        self.id = id
        self.version = version
        self.title = title
        self.description = description
        self.agencies = agencies
        self.roles = roles
        self.queues = queues
        self.fields = fields
        self.exceptions = exceptions
        self.escalationQueue = escalationQueue
        self.globalActions = globalActions
        self.start = start
        self.states = states
        self.defaultStallAfter = defaultStallAfter
        index = Index(
            agencies: Self.positions(agencies, by: \.id.value), roles: Self.positions(roles, by: \.id.value),
            queues: Self.positions(queues, by: \.id.value), fields: Self.positions(fields, by: \.path.value),
            exceptions: Self.positions(exceptions, by: \.code.value), states: Self.positions(states, by: \.id.value))
    }

    public func agency(_ id: String) -> AgencyDefinition? { index.agencies[id].map { agencies[$0] } }
    public func role(_ id: String) -> RoleDefinition? { index.roles[id].map { roles[$0] } }
    public func queue(_ id: String) -> QueueDefinition? { index.queues[id].map { queues[$0] } }
    public func field(_ path: String) -> FieldSpec? { index.fields[path].map { fields[$0] } }

    /// The declared field that is `path` or holds it (`pieces.photo` for `pieces.photo.name`).
    public func field(covering path: String) -> FieldSpec? {
        var candidate = Substring(path)
        while !candidate.isEmpty {
            if let field = field(String(candidate)) { return field }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
        return nil
    }

    /// Whether `path` is a group of declared fields (`usager` for `usager.nom`).
    public func isGroup(_ path: String) -> Bool {
        fields.contains { $0.path.value.hasPrefix(path + ".") }
    }
    public func exception(_ code: String) -> ExceptionDefinition? { index.exceptions[code].map { exceptions[$0] } }
    public func state(_ id: String) -> StateDefinition? { index.states[id].map { states[$0] } }
    public func clock(_ id: String) -> ClockDefinition? { clocks.first { $0.id.value == id } }
    public func request(_ id: String) -> RequestDefinition? { requests.first { $0.id.value == id } }

    /// The agency whose agents work a queue: the agency of its first role.
    public func agency(ofQueue queueID: String) -> String? {
        guard let queue = queue(queueID), let first = queue.roles.first else { return nil }
        return role(first.value)?.agency.value
    }

    /// The states `state` can move to by itself (`StateDefinition.successors`), and where the
    /// requests it opens lead when no answer comes (`on_timeout`, `fallback: { to: … }`).
    public func successors(of state: StateDefinition) -> [Located<String>] {
        state.successors + state.requests.compactMap { request($0.value) }.flatMap { request -> [Located<String>] in
            var targets: [Located<String>] = []
            if let state = request.onTimeout?.state { targets.append(state) }
            if case .target(let target)? = request.fallback, let state = target.state { targets.append(state) }
            return targets
        }
    }

    /// Where a request to `agency` waits for its agents: the first queue the workflow
    /// declares for that agency, if any (an agency without one answers through its systems).
    public func queue(answering agency: String) -> QueueDefinition? {
        queues.first { self.agency(ofQueue: $0.id.value) == agency }
    }
}

/// An administration taking part in the workflow (`agencies:`); ids are global.
public struct AgencyDefinition: Sendable {
    public var id: Located<String>
    public var name: String

    public init(id: Located<String>, name: String) {
        self.id = id
        self.name = name
    }
}

/// A function agents hold (`roles:`), in one agency; ids are global.
public struct RoleDefinition: Sendable {
    public var id: Located<String>
    public var agency: Located<String>
    public var description: String?

    public init(id: Located<String>, agency: Located<String>, description: String? = nil) {
        self.id = id
        self.agency = agency
        self.description = description
    }
}

/// Where human work waits (`queues:`), worked by agents holding one of its roles.
public struct QueueDefinition: Sendable {
    public var id: Located<String>
    public var roles: [Located<String>]
    /// How long each task may wait in the queue before it is escalated.
    public var sla: Located<WorkflowDuration>?

    public init(id: Located<String>, roles: [Located<String>], sla: Located<WorkflowDuration>? = nil) {
        self.id = id
        self.roles = roles
        self.sla = sla
    }
}

/// A named way a case leaves the ordinary path (`exceptions:`).
public struct ExceptionDefinition: Sendable {
    public var code: Located<String>
    public var title: String?
    public var queue: Located<String>?
    public var sla: Located<WorkflowDuration>?

    public init(code: Located<String>, title: String? = nil, queue: Located<String>? = nil, sla: Located<WorkflowDuration>? = nil) {
        self.code = code
        self.title = title
        self.queue = queue
        self.sla = sla
    }
}
