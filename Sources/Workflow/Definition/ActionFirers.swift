/// Who may fire an action, after the brief's defaults are applied.
public enum ActionFirers: Hashable, Sendable {
    /// Agents holding one of these roles; `citizen` adds the citizen's portal (`by: [usager]`).
    case roles(Set<String>, citizen: Bool)
    /// The citizen's portal, and agents of these agencies acting for the citizen at a counter.
    case citizenOrCounter(agencies: Set<String>)
    /// Agents of this agency.
    case agency(String)
    /// The engine only; nobody fires it by hand.
    case engine
}

extension WorkflowDefinition {
    /// Who may fire `transition` in `state` (nil for `global_actions`).
    ///
    /// With `by`, its roles (and `usager` for the citizen's portal). Without it: a human
    /// state's queue roles; in a state waiting on the citizen, the citizen's portal and
    /// agents of the workflow's agencies at a counter; in a state waiting on an agency,
    /// that agency's agents. A global action without `by` belongs to the citizen, as a
    /// withdrawal does, with counter agents acting for them.
    public func firers(of transition: TransitionDefinition, in state: StateDefinition?) -> ActionFirers {
        let allAgencies = Set(agencies.map(\.id.value))
        if !transition.firedBy.isEmpty {
            let names = Set(transition.firedBy.map(\.value))
            return .roles(names.subtracting(["usager"]), citizen: names.contains("usager"))
        }
        guard let state else { return .citizenOrCounter(agencies: allAgencies) }
        if case .human(let queueID) = state.kind, let queue = queue(queueID.value) {
            return .roles(Set(queue.roles.map(\.value)), citizen: false)
        }
        switch state.waitingOn.value {
        case "usager": return .citizenOrCounter(agencies: allAgencies)
        case "engine": return .engine
        case let agency: return .agency(agency)
        }
    }
}
