extension WorkflowValidator {
    /// Reachability from `start`, ways out, and whether each machine can end.
    mutating func checkGraph() {
        guard !hasBrokenStateReference, workflow.namesWithErrors.isEmpty else { return }
        // A clock's expiry may lead to a state nothing else leads to (a decision by silence).
        let globalTargets = workflow.globalActions.compactMap(\.target.state) + workflow.clocks.compactMap(\.onExpiry.state)
        checkMachine(states: workflow.states, start: workflow.start.value, extraTargets: globalTargets,
                     scope: "the workflow")
        for state in workflow.states {
            guard case .parallel(let parallel) = state.kind else { continue }
            for track in parallel.tracks {
                let ended = checkMachine(states: track.states, start: track.start.value, extraTargets: [],
                                         scope: "track '\(track.id.value)'")
                if !ended, track.state(track.start.value) != nil {
                    error("track '\(track.id.value)' of '\(state.id.value)' cannot reach a final state from '\(track.start.value)', so the parallel state could never join; add a state with 'final: true' and a way to it", at: track.id.location)
                }
            }
        }
    }

    /// Checks one machine; returns whether a final state is reachable from its start.
    @discardableResult
    private mutating func checkMachine(states: [StateDefinition], start: String, extraTargets: [Located<String>],
                                       scope: String) -> Bool {
        let byID = Dictionary(states.map { ($0.id.value, $0) }, uniquingKeysWith: { a, _ in a })
        guard byID[start] != nil else { return false }

        var reachable: Set<String> = [start]
        var pending = [start] + extraTargets.map(\.value).filter { byID[$0] != nil }
        reachable.formUnion(pending)
        while let id = pending.popLast() {
            for next in byID[id]?.successors ?? [] where byID[next.value] != nil && reachable.insert(next.value).inserted {
                pending.append(next.value)
            }
        }

        for state in states where !reachable.contains(state.id.value) {
            warning("state '\(state.id.value)' is unreachable from '\(start)' in \(scope); no transition leads to it", at: state.id.location)
        }
        for state in states where !state.isFinal && state.successors.isEmpty {
            error("state '\(state.id.value)' has no way out: no action, timed exit, rule or join leads anywhere; add one with 'to', or make it final", at: state.id.location)
        }

        let canEnd = statesThatCanEnd(byID)
        for state in states where reachable.contains(state.id.value) && !state.isFinal && !state.successors.isEmpty && !canEnd.contains(state.id.value) {
            warning("state '\(state.id.value)' cannot lead to any final state in \(scope); a case there can only leave by an override", at: state.id.location)
        }
        return canEnd.contains(start)
    }

    /// The states from which some final state can be reached: a walk back from the finals.
    private func statesThatCanEnd(_ byID: [String: StateDefinition]) -> Set<String> {
        var predecessors: [String: [String]] = [:]
        for state in byID.values {
            for next in state.successors { predecessors[next.value, default: []].append(state.id.value) }
        }
        var canEnd = Set(byID.values.filter(\.isFinal).map(\.id.value))
        var pending = Array(canEnd)
        while let id = pending.popLast() {
            for previous in predecessors[id] ?? [] where canEnd.insert(previous).inserted {
                pending.append(previous)
            }
        }
        return canEnd
    }
}
