import Foundation

extension WorkflowDefinition {
    /// The agencies that take part in the workflow's own work: a state waits on them, a track
    /// is theirs, a queue of states, exceptions or escalations is of their roles, an action,
    /// an override or a field's `editable_by` names them or one of their roles. Their agents
    /// know every case of the workflow.
    public var participatingAgencies: Set<String> {
        var agencies: Set<String> = []
        var roles: Set<String> = []
        var queues: Set<String> = Set(exceptions.compactMap(\.queue?.value))
        if let queue = escalationQueue?.value { queues.insert(queue) }
        func visit(_ state: StateDefinition) {
            agencies.insert(state.waitingOn.value)
            if case .human(let queue) = state.kind { queues.insert(queue.value) }
            for action in state.actions { roles.formUnion(action.firedBy.map(\.value)) }
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    if let agency = track.agency?.value { agencies.insert(agency) }
                    track.states.forEach(visit)
                }
            }
        }
        states.forEach(visit)
        for action in globalActions { roles.formUnion(action.firedBy.map(\.value)) }
        roles.formUnion(overrideBy?.map(\.value) ?? [])
        // Roles named as referents (none named: any role may be one, which says nothing).
        roles.formUnion(referent?.roles?.map(\.value) ?? [])
        for queue in self.queues where queues.contains(queue.id.value) { roles.formUnion(queue.roles.map(\.value)) }
        for field in fields {
            for subject in field.editableBy {
                switch subject.value {
                case .agency(let agency): agencies.insert(agency)
                case .role(let role): roles.insert(role)
                }
            }
        }
        agencies.formUnion(self.roles.filter { roles.contains($0.id.value) }.map(\.agency.value))
        // `usager` and `engine` wait too, but are no agency.
        return agencies.intersection(self.agencies.map(\.id.value))
    }

    /// Works out `agenciesOnlyAsked` once the whole file is read (the loader's last step),
    /// so that every access check reads a set instead of walking the workflow.
    mutating func settleAgenciesOnlyAsked() {
        agenciesOnlyAsked = Set(requests.map(\.to.value)).subtracting(participatingAgencies)
    }
}
