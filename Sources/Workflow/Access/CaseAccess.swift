import Foundation

/// What one agent may know, see and do in the cases of one workflow version.
///
/// The rules (the API issue, and the language brief for `visible_to`):
/// - an agent knows a workflow's cases only when the workflow involves the agent's agency
///   and the agent holds one of the workflow's roles *of that agency*; designers and
///   supervisors get no exception: without such a role they know no case;
/// - a role counts only in the agency the workflow gives it to (`roles: {agency: …}`): an
///   agent of another agency holding a role of the same name gains nothing by it;
/// - a field is seen by the agencies and `role:ID`s of its `visible_to` (absent: every agency
///   of the workflow); a path below a field follows the field; data the workflow does not
///   declare is seen by nobody through the API (the store refuses it anyway);
/// - the engine's own checks (`by`, `editable_by`, the queues) run on `actor`.
public struct CaseAccess: Sendable {
    public let agent: Agent
    public let definition: WorkflowDefinition
    /// The agent's roles that count in this workflow: those it gives to the agent's agency.
    public let roles: Set<String>
    /// Whether the agent may know that cases of this workflow exist (else: 404, never 403).
    public let mayKnowCases: Bool
    /// Whether the agent's agency is only asked by the workflow (`requests:`), taking no other
    /// part in it: it knows a case only once a request was sent to it on that case (so never
    /// without the consent the request needs), and lists none.
    public let knowsOnlyCasesAskedOfIt: Bool
    /// The agencies the workflow involves (`agencies:`).
    let workflowAgencies: Set<String>
    /// Each declared field path, with whether the agent sees it.
    let fieldVisibility: [String: Bool]

    public init(agent: Agent, definition: WorkflowDefinition) {
        self.agent = agent
        self.definition = definition
        let agencies = Set(definition.agencies.map(\.id.value))
        workflowAgencies = agencies
        let rolesHere = Set(definition.roles.filter { $0.agency.value == agent.agency }.map(\.id.value))
        let roles = agent.roles.intersection(rolesHere)
        self.roles = roles
        let knows = agencies.contains(agent.agency) && !roles.isEmpty
        mayKnowCases = knows
        knowsOnlyCasesAskedOfIt = knows && definition.agenciesOnlyAsked.contains(agent.agency)
        var visibility: [String: Bool] = [:]
        for field in definition.fields {
            visibility[field.path.value] = knows && Self.sees(field, agency: agent.agency, roles: roles, workflowAgencies: agencies)
        }
        fieldVisibility = visibility
    }

    /// An agency's system receiving events (a webhook endpoint): it knows the cases of the
    /// workflows its agency takes part in, and sees what the agency sees (`visible_to` naming
    /// the agency, or none); fields shown only to roles (`role:medecin-conseil`) only for the
    /// `roles` the endpoint was registered with. It acts on nothing: it only reads.
    public init(agencySystem agency: String, roles: Set<String>, definition: WorkflowDefinition, name: String) {
        self.definition = definition
        let agencies = Set(definition.agencies.map(\.id.value))
        workflowAgencies = agencies
        let rolesHere = roles.intersection(definition.roles.filter { $0.agency.value == agency }.map(\.id.value))
        self.roles = rolesHere
        agent = Agent(id: name, agency: agency, roles: rolesHere, createdAt: Date(timeIntervalSince1970: 0))
        let knows = agencies.contains(agency)
        mayKnowCases = knows
        knowsOnlyCasesAskedOfIt = knows && definition.agenciesOnlyAsked.contains(agency)
        var visibility: [String: Bool] = [:]
        for field in definition.fields {
            visibility[field.path.value] = knows && Self.sees(field, agency: agency, roles: rolesHere, workflowAgencies: agencies)
        }
        fieldVisibility = visibility
    }

    /// Whether the agent may open a case of this workflow, as at a counter: the same agents
    /// who know its cases (an agency of the workflow, one of its roles there).
    public var mayCreateCases: Bool { mayKnowCases && !knowsOnlyCasesAskedOfIt }

    /// Whether the agent may list the workflow's cases (search, lists, reports): those who
    /// know them all.
    public var mayListCases: Bool { mayKnowCases && !knowsOnlyCasesAskedOfIt }

    /// Whether the agent may know this case: any of the workflow's, or, for an agency only
    /// asked, one on which a request reached it.
    public func knows(_ snapshot: CaseSnapshot) -> Bool {
        guard mayKnowCases else { return false }
        return !knowsOnlyCasesAskedOfIt || snapshot.requests.contains { $0.agency == agent.agency && $0.wasSent }
    }

    /// The agent as the engine should see it in this workflow: only the roles that count here,
    /// so that `by`, queues and `editable_by` follow the same rule as what the agent sees.
    public var actor: CaseActor {
        CaseActor(.agent(id: agent.id, agency: agent.agency, roles: roles, supervisor: agent.supervisor))
    }

    /// The workflow's queues worked by one of the agent's roles here: the agent's inbox.
    public var queues: [String] {
        definition.queues.filter { queue in queue.roles.contains { roles.contains($0.value) } }.map(\.id.value)
    }

    /// Whether the agent works `queue` (holds one of its roles in this workflow).
    public func mayWorkOn(queue: String) -> Bool {
        guard let queue = definition.queue(queue) else { return false }
        return queue.roles.contains { roles.contains($0.value) }
    }

    /// The declared field paths the agent sees, in the order of `fields:` (what a search may
    /// look in).
    /// The rules of each workflow version, by `versionKey`: a case finds the rules of the
    /// version it follows.
    public static func byVersion(_ accesses: [CaseAccess]) -> [String: CaseAccess] {
        Dictionary(accesses.map { (versionKey($0.definition.id.value, $0.definition.version.value), $0) }, uniquingKeysWith: { first, _ in first })
    }

    public static func versionKey(_ workflowID: String, _ version: Int) -> String { "\(workflowID)@\(version)" }

    public var visibleFieldPaths: [String] {
        definition.fields.map(\.path.value).filter { fieldVisibility[$0] == true }
    }

    /// Whether the agent sees the data at `path`: a declared field, or a path below one, by the
    /// field's `visible_to`; a group of fields (`usager`) only when it sees every field in it;
    /// anything undeclared, never. Use it before naming a field in a refusal: when false, say
    /// that data the caller cannot see is missing or invalid instead.
    public func mayView(field path: String) -> Bool {
        guard mayKnowCases else { return false }
        if let declared = declaredField(covering: path) { return fieldVisibility[declared] == true }
        let inside = fieldVisibility.filter { $0.key.hasPrefix(path + ".") }
        return !path.isEmpty && !inside.isEmpty && inside.values.allSatisfy { $0 }
    }

    /// Whether the agent may change the field at `path`: it sees it, and `editable_by` allows it
    /// (absent: every agency of the workflow), as the engine decides for `actor`.
    public func mayEdit(field path: String) -> Bool {
        guard mayView(field: path), let declared = declaredField(covering: path),
              let spec = definition.field(declared) else { return false }
        return actor.mayEdit(spec, workflowAgencies: workflowAgencies)
    }

    /// The declared field that is `path` or contains it (`pieces.photo` for `pieces.photo.name`).
    func declaredField(covering path: String) -> String? { definition.field(covering: path)?.path.value }

    /// `visible_to`: its agencies and `role:ID`s; absent, every agency of the workflow.
    static func sees(_ field: FieldSpec, agency: String, roles: Set<String>, workflowAgencies: Set<String>) -> Bool {
        guard !field.visibleTo.isEmpty else { return workflowAgencies.contains(agency) }
        return field.visibleTo.contains { subject in
            switch subject.value {
            case .agency(let allowed): allowed == agency
            case .role(let role): roles.contains(role)
            }
        }
    }
}
