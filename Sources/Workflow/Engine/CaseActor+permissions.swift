/// What an actor may do, by the brief's rules of who fires actions and who resolves escalations.
extension CaseActor {
    /// Whether the actor may fire an action offered to `firers`.
    ///
    /// An operator at the command line may fire anything; the engine fires no action; the
    /// citizen's portal only what is offered to the citizen; an agent by role, or by agency for
    /// actions of a state waiting on an agency or on the citizen (at a counter).
    func mayFire(_ firers: ActionFirers) -> Bool {
        switch (kind, firers) {
        case (.operatorUser, _): true
        case (.engine, _): false
        case (.citizen, .roles(_, let citizen)): citizen
        case (.citizen, .citizenOrCounter): true
        case (.citizen, _): false
        case (.agent(_, _, let roles, _), .roles(let allowed, _)): !roles.isDisjoint(with: allowed)
        case (.agent(_, let agency, _, _), .citizenOrCounter(let agencies)): agencies.contains(agency)
        case (.agent(_, let agency, _, _), .agency(let allowed)): agency == allowed
        case (.agent, .engine): false
        }
    }

    /// Whether an agent fires an action that belongs to the citizen, at a counter on their behalf.
    func actsForCitizen(_ firers: ActionFirers) -> Bool {
        if case .agent = kind, case .citizenOrCounter = firers { return true }
        return false
    }

    /// A supervisor agent, or an operator at the command line.
    var isSupervisorOrOperator: Bool {
        switch kind {
        case .operatorUser: true
        case .agent(_, _, _, let supervisor): supervisor
        case .citizen, .engine: false
        }
    }

    var isOperator: Bool {
        if case .operatorUser = kind { return true }
        return false
    }

    var isCitizen: Bool {
        if case .citizen = kind { return true }
        return false
    }

    /// The roles an agent holds; empty for anyone else.
    var roles: Set<String> {
        if case .agent(_, _, let roles, _) = kind { return roles }
        return []
    }

    /// Whether an agent holds one of the roles that work `queue`.
    func works(_ queue: QueueDefinition?) -> Bool {
        guard let queue else { return false }
        return !roles.isDisjoint(with: queue.roles.map(\.value))
    }

    /// Whether the actor may write `field`: an agent by `editable_by` (agencies or `role:ID`; empty
    /// means every agency of the workflow); operators always. Citizens and the engine are decided
    /// by the caller, which knows whether the data comes with an action or as a correction.
    func mayEdit(_ field: FieldSpec, workflowAgencies: Set<String>) -> Bool {
        switch kind {
        case .operatorUser: return true
        case .citizen, .engine: return false
        case .agent(_, let agency, let roles, _):
            if field.editableBy.isEmpty { return workflowAgencies.contains(agency) }
            return field.editableBy.contains { subject in
                switch subject.value {
                case .agency(let allowed): allowed == agency
                case .role(let role): roles.contains(role)
                }
            }
        }
    }
}
