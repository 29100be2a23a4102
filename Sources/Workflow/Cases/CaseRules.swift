import Foundation

/// What one caller may know, see, write and do in the cases of one workflow version: the
/// rules the door applies to every read and change, whoever comes through it.
///
/// - an agent: their agency and roles here (`CaseAccess`); a portal's token is no agent's;
/// - the citizen's portal, acting for one person: only that person's cases; it may send the
///   fields whose `editable_by` names `usager` or is absent, whatever their `visible_to` (who
///   may read a field is not who may provide it); it reads no data, task or note;
/// - an operator at the command line: everything.
public struct CaseRules: Sendable {
    public let caller: CaseCaller
    public let definition: WorkflowDefinition
    /// An agent's rules here; nil for the portal and operators.
    public let access: CaseAccess?

    public init(_ caller: CaseCaller, definition: WorkflowDefinition) {
        self.caller = caller
        self.definition = definition
        if case .agent(let agent) = caller.kind { access = CaseAccess(agent: agent, definition: definition) } else { access = nil }
    }

    /// The caller as the engine sees it (an agent with only the roles that count here).
    public var actor: CaseActor { access?.actor ?? caller.actor }

    /// Whether the caller may know that this workflow's cases exist at all.
    public var mayKnowCases: Bool {
        switch caller.kind {
        case .agent(let agent): !agent.portal && access!.mayKnowCases
        case .citizen, .operatorUser: true
        }
    }

    /// Whether the caller may know this case (else it is not found, the same as no case).
    public func knows(_ record: CaseRecord) -> Bool {
        guard mayKnowCases else { return false }
        if case .citizen(let reference, _) = caller.kind { return record.citizenRef == reference }
        return access?.knows(record.snapshot) ?? true
    }

    /// Whether the workflow declares `path` (or a field holding it): the workflow's fields are
    /// not secret, so an undeclared one may be called so to anyone.
    public func isDeclared(_ path: String) -> Bool {
        definition.field(covering: path) != nil || definition.isGroup(path)
    }

    /// Whether the caller may see the field at `path` (and so be told about it by name).
    public func mayView(field path: String) -> Bool {
        switch caller.kind {
        case .agent: access!.mayView(field: path)
        case .citizen: mayProvide(path)
        case .operatorUser: isDeclared(path)
        }
    }

    /// Whether the caller may write the field at `path`.
    public func mayEdit(field path: String) -> Bool {
        switch caller.kind {
        case .agent: access!.mayEdit(field: path)
        case .citizen: mayProvide(path)
        case .operatorUser: isDeclared(path)
        }
    }

    /// A field the person provides: `editable_by` names `usager`, or is absent.
    private func mayProvide(_ path: String) -> Bool {
        guard let field = definition.field(covering: path) else { return false }
        return field.editableBy.isEmpty || field.editableBy.contains { $0.value == .agency(AccessSubject.citizen) }
    }

    /// The label people read for a field: its `label` where the workflow gives one, else its id.
    public func label(ofField path: String) -> String {
        definition.field(covering: path)?.path.value ?? path
    }

    /// What is wrong with `data` sent by the caller, every problem at once: an undeclared field
    /// named as such, a field they may see but not change by name, one they may not see
    /// without its name.
    public func writeProblems(_ data: JSONValue?) -> [CaseFailure.Problem] {
        guard let data else { return [] }
        var problems: [CaseFailure.Problem] = []
        var hiddenReported = false
        for path in DataPaths.leaves(data) where !mayEdit(field: path) {
            let pointer = DataPaths.pointer(path)
            if !isDeclared(path) {
                problems.append(.init("'\(path)' is not a field of workflow '\(definition.id.value)'", field: path, pointer: pointer))
            } else if mayView(field: path) || isCitizen {
                // The person names the field they sent: it is theirs to know it is not theirs to give.
                problems.append(.init(isCitizen ? "'\(label(ofField: path))' is not information the person provides; the administration fills it in"
                                                : "you may not change '\(path)'", field: path, pointer: pointer))
            } else if !hiddenReported {
                hiddenReported = true
                problems.append(.init("the data you sent includes fields you may not change"))
            }
        }
        return problems
    }

    /// The refusal of data the caller may not send, or nil: 403 when a field is not theirs to
    /// write, 422 `invalid-data` when the only problems are fields the workflow does not declare.
    public func writeFailure(_ data: JSONValue?) -> CaseFailure? {
        let problems = writeProblems(data)
        guard let first = problems.first else { return nil }
        let message = problems.count == 1 ? first.detail : "\(problems.count) problems: " + problems.map(\.detail).joined(separator: "; ")
        if problems.allSatisfy({ $0.field.map { !isDeclared($0) } ?? false }) {
            return CaseFailure(.refused, message, refusal: .invalidData, problems: problems)
        }
        return CaseFailure(.forbidden, message, refusal: .notAllowed, problems: problems)
    }

    /// The case as the caller may see it: an agent's visible data, contexts, history and notes;
    /// the portal's person gets no data, task or history (the portal shows public labels);
    /// an operator, everything.
    public func visible(_ record: CaseRecord) -> CaseRecord {
        switch caller.kind {
        case .agent: return access!.visibleRecord(record)
        case .operatorUser: return record
        case .citizen:
            var visible = record
            // Whether a request still asks the person for its field is told before the data goes.
            for index in visible.snapshot.requests.indices {
                visible.snapshot.requests[index].askedCitizen = record.snapshot.stillAsksCitizen(record.snapshot.requests[index])
            }
            visible.snapshot.data = .object([:])
            visible.snapshot.tasks = []
            visible.history = []
            return visible
        }
    }

    /// The declared fields the caller may see that hold a value: what a read journals.
    public func readFields(_ snapshot: CaseSnapshot) -> [String] {
        switch caller.kind {
        case .agent: access!.visibleFieldPaths.filter { snapshot.data.value(at: $0) != nil }
        case .operatorUser: definition.fields.map(\.path.value).filter { snapshot.data.value(at: $0) != nil }
        case .citizen: []
        }
    }

    /// The answered requests among `fields` read: what the journal says of each value read
    /// that another administration provided, with its legal basis.
    public func readSources(_ snapshot: CaseSnapshot, fields: [String]) -> [AccessJournal.Source] {
        let received = snapshot.requests.filter { $0.versions > 0 }.map {
            AccessJournal.Source.Received(request: $0.request, agency: $0.agency, field: $0.field, digest: $0.answerDigest)
        }
        return AccessJournal.Source.of(received, read: fields, data: snapshot.data, in: definition, readerAgency: actor.agency)
    }

    /// Who the journal says read or changed the case.
    public var journalAccess: AccessJournal.Access {
        let actor = self.actor
        return AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: caller.via)
    }

    var isCitizen: Bool {
        if case .citizen = caller.kind { return true }
        return false
    }

    var isSupervisor: Bool {
        switch caller.kind {
        case .agent(let agent): agent.supervisor
        case .operatorUser: true
        case .citizen: false
        }
    }
}
