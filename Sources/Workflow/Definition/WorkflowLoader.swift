/// Turns a YAML tree into a `WorkflowDefinition`, reporting every shape problem with its
/// position and keeping what it could read, so the validator can go on checking the rest.
public struct WorkflowLoader {
    public struct Options: Sendable {
        /// The deployment's `stall_after` for states that give no deadline (30 days).
        public var defaultStallAfter: WorkflowDuration

        public init(defaultStallAfter: WorkflowDuration = WorkflowLoader.thirtyDays) {
            self.defaultStallAfter = defaultStallAfter
        }
    }

    public static let thirtyDays = WorkflowDuration.days(30)

    static let topLevelKeys = ["id", "version", "title", "description", "agencies", "roles", "queues", "fields", "summary",
                               "exceptions", "escalation", "override_by", "referent", "global_actions", "start", "states", "clocks", "requests"]

    var reader = NodeReader()
    let options: Options
    /// Names whose definition could not be read, so their uses are not reported twice.
    var namesWithErrors: Set<String> = []

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reads a whole workflow; nil when the file is too broken to give a model.
    public mutating func load(_ root: YAMLNode) -> WorkflowDefinition? {
        guard root.mapping != nil else {
            reader.error("a workflow file must be a mapping of keys (id, version, states…), found \(root.kindName)", at: root.location)
            return nil
        }
        let entries = reader.mapping(root, what: "the workflow", allowed: Self.topLevelKeys) ?? []
        let top = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })

        let id = top["id"].flatMap { readWorkflowID($0.value) }
        let version = top["version"].flatMap { reader.positiveInteger($0.value, what: "'version'") }
        for key in ["id", "version", "start", "states"] where top[key] == nil {
            reader.error("the workflow has no '\(key)'; \(Self.missingKeyHint[key]!)", at: root.location)
        }

        let agencies = top["agencies"].map { readAgencies($0.value) } ?? []
        let roles = top["roles"].map { readRoles($0.value) } ?? []
        let queues = top["queues"].map { readQueues($0.value) } ?? []
        let fields = top["fields"].map { readFields($0.value) } ?? []
        let exceptions = top["exceptions"].map { readExceptions($0.value) } ?? []
        let escalation = top["escalation"].flatMap { readEscalation($0.value) }
        let start = top["start"].flatMap { reader.identifier($0.value, what: "'start'") }

        var context = StateContext(queues: queues, roles: roles, agencies: agencies, trackAgency: nil, inTrack: false,
                                   queuesWithErrors: namesWithErrors)
        let globalActions = top["global_actions"].map { readActions($0.value, what: "'global_actions'") } ?? []
        let states = top["states"].map { readStates($0.value, context: &context) } ?? []

        guard let id, let version, let start else { return nil }
        var definition = WorkflowDefinition(
            id: id, version: version,
            title: top["title"].flatMap { reader.string($0.value, what: "'title'")?.value },
            description: top["description"].flatMap { reader.string($0.value, what: "'description'")?.value },
            agencies: agencies, roles: roles, queues: queues, fields: fields, exceptions: exceptions,
            escalationQueue: escalation, globalActions: globalActions, start: start, states: states,
            defaultStallAfter: options.defaultStallAfter)
        definition.overrideBy = top["override_by"].map { reader.stringList($0.value, what: "'override_by'") }
        definition.referent = top["referent"].flatMap { readReferent($0.value) }
        definition.summary = top["summary"].map { reader.stringList($0.value, what: "'summary'") } ?? []
        definition.clocks = top["clocks"].map { readClocks($0.value) } ?? []
        definition.requests = top["requests"].map { readRequests($0.value) } ?? []
        definition.restrictOpinions()
        definition.settleAgenciesOnlyAsked()
        definition.namesWithErrors = namesWithErrors
        return definition
    }

    /// The diagnostics collected while loading.
    public var diagnostics: [Diagnostic] { reader.diagnostics }

    static let missingKeyHint = [
        "id": "add a unique slug such as 'id: retraite-multi-statuts'",
        "version": "add 'version: 1'",
        "start": "add 'start:' naming the first state",
        "states": "add 'states:' with at least a first state and a final state",
    ]

    private mutating func readWorkflowID(_ node: YAMLNode) -> Located<String>? {
        guard let id = reader.string(node, what: "'id'") else { return nil }
        let isSlug = !id.value.isEmpty && id.value.first != "-" && id.value.last != "-" && !id.value.contains("--")
            && id.value.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !isSlug {
            reader.error("'id' must be a slug of lower-case letters, digits and '-', such as 'retraite-multi-statuts'; found '\(id.value)'", at: node.location)
        }
        return id
    }

    private mutating func readAgencies(_ node: YAMLNode) -> [AgencyDefinition] {
        reader.namedEntries(node, what: "'agencies'").compactMap { entry in
            guard let id = identifierKey(entry, what: "agency") else { return nil }
            let keys = reader.mapping(entry.value, what: "agency '\(entry.key)'", allowed: ["name"]) ?? []
            let name = keys.first { $0.key == "name" }.flatMap { reader.string($0.value, what: "'name'")?.value }
            if name == nil, entry.value.mapping != nil {
                reader.error("agency '\(entry.key)' has no 'name'; add the administration's name for people", at: entry.keyLocation)
            }
            return AgencyDefinition(id: id, name: name ?? entry.key)
        }
    }

    private mutating func readRoles(_ node: YAMLNode) -> [RoleDefinition] {
        reader.namedEntries(node, what: "'roles'").compactMap { entry in
            guard let id = identifierKey(entry, what: "role") else { return nil }
            let keys = reader.mapping(entry.value, what: "role '\(entry.key)'", allowed: ["agency", "description"]) ?? []
            let value = Dictionary(keys.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let agency = value["agency"].flatMap({ reader.identifier($0, what: "'agency'") }) else {
                if value["agency"] == nil, entry.value.mapping != nil {
                    reader.error("role '\(entry.key)' names no agency; every role belongs to one agency: add 'agency: ID'", at: entry.keyLocation)
                }
                return RoleDefinition(id: id, agency: Located("", at: entry.keyLocation))
            }
            return RoleDefinition(id: id, agency: agency, description: value["description"].flatMap { reader.string($0, what: "'description'")?.value })
        }
    }

    private mutating func readQueues(_ node: YAMLNode) -> [QueueDefinition] {
        reader.namedEntries(node, what: "'queues'").compactMap { entry in
            guard let id = identifierKey(entry, what: "queue") else { return nil }
            let keys = reader.mapping(entry.value, what: "queue '\(entry.key)'", allowed: ["role", "sla"]) ?? []
            let value = Dictionary(keys.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            let roles = value["role"].map { reader.stringList($0, what: "'role'") } ?? []
            if roles.isEmpty, entry.value.mapping != nil {
                reader.error("queue '\(entry.key)' names no role; add 'role:' with the role (or list of roles) whose agents work it", at: entry.keyLocation)
            }
            return QueueDefinition(id: id, roles: roles, sla: readOptionalDuration(value["sla"], owner: id.value))
        }
    }

    private mutating func readExceptions(_ node: YAMLNode) -> [ExceptionDefinition] {
        reader.namedEntries(node, what: "'exceptions'").compactMap { entry in
            guard let code = identifierKey(entry, what: "exception") else { return nil }
            if EscalationReason.builtIn.contains(code.value) {
                reader.error("exception '\(code.value)' has the name of a built-in escalation reason; choose another code", at: entry.keyLocation)
            }
            let keys = reader.mapping(entry.value, what: "exception '\(entry.key)'", allowed: ["title", "queue", "sla"]) ?? []
            let value = Dictionary(keys.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            return ExceptionDefinition(
                code: code,
                title: value["title"].flatMap { reader.string($0, what: "'title'")?.value },
                queue: value["queue"].flatMap { reader.identifier($0, what: "'queue'") },
                sla: readOptionalDuration(value["sla"], owner: code.value))
        }
    }

    private mutating func readEscalation(_ node: YAMLNode) -> Located<String>? {
        let keys = reader.mapping(node, what: "'escalation'", allowed: ["queue"]) ?? []
        guard let queue = keys.first(where: { $0.key == "queue" }) else {
            if node.mapping != nil {
                reader.error("'escalation' must name a queue: write 'escalation: { queue: ID }'", at: node.location)
            }
            return nil
        }
        return reader.identifier(queue.value, what: "'queue'")
    }

    /// A duration that may be absent; a bad one marks its owner as having errors, so that
    /// the missing deadline is not reported again.
    mutating func readOptionalDuration(_ node: YAMLNode?, owner: String) -> Located<WorkflowDuration>? {
        guard let node else { return nil }
        let value = reader.duration(node, what: "'sla'")
        if value == nil { namesWithErrors.insert(owner) }
        return value
    }

    /// Reads each named entry, remembering the names whose definition failed.
    mutating func readNamed<T>(_ entries: [YAMLMappingEntry], _ read: (inout WorkflowLoader, YAMLMappingEntry) -> T?) -> [T] {
        entries.compactMap { entry in
            let value = read(&self, entry)
            if value == nil { namesWithErrors.insert(entry.key) }
            return value
        }
    }

    /// The key of a named entry, checked to be a usable name.
    mutating func identifierKey(_ entry: YAMLMappingEntry, what: String) -> Located<String>? {
        guard Identifier.isValid(entry.key) else {
            reader.error("\(what) name '\(entry.key)' is not valid; use letters, digits, '-' and '_' only", at: entry.keyLocation)
            return nil
        }
        return Located(entry.key, at: entry.keyLocation)
    }
}
