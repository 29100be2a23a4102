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
    /// Each state's successors are computed once and states are named by their index, so a
    /// machine of thousands of states is walked without copying its definitions. A repeated
    /// id stands for its first definition (`canonical`), as everywhere else.
    @discardableResult
    private mutating func checkMachine(states: [StateDefinition], start: String, extraTargets: [Located<String>],
                                       scope: String) -> Bool {
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(states.count)
        for (index, state) in states.enumerated() where indexByID[state.id.value] == nil {
            indexByID[state.id.value] = index
        }
        guard let startIndex = indexByID[start] else { return false }
        let canonical = states.map { indexByID[$0.id.value]! }
        // Only the targets that name a state of this machine; the others are reported elsewhere.
        let targets = states.map { workflow.successors(of: $0) }
        let successors: [[Int]] = targets.map { $0.compactMap { indexByID[$0.value] } }

        var reachable = [Bool](repeating: false, count: states.count)
        var pending = [startIndex] + extraTargets.compactMap { indexByID[$0.value] }
        for index in pending { reachable[index] = true }
        while let index = pending.popLast() {
            for next in successors[index] where !reachable[next] {
                reachable[next] = true
                pending.append(next)
            }
        }

        for (index, state) in states.enumerated() where !reachable[canonical[index]] {
            warning("state '\(state.id.value)' is unreachable from '\(start)' in \(scope); no transition leads to it", at: state.id.location)
        }
        for (index, state) in states.enumerated() where !state.isFinal && targets[index].isEmpty {
            error("state '\(state.id.value)' has no way out: no action, timed exit, rule or join leads anywhere; add one with 'to', or make it final", at: state.id.location)
        }

        let canEnd = statesThatCanEnd(states, successors: successors, canonical: canonical)
        for (index, state) in states.enumerated()
        where reachable[canonical[index]] && !state.isFinal && !targets[index].isEmpty && !canEnd[canonical[index]] {
            warning("state '\(state.id.value)' cannot lead to any final state in \(scope); a case there can only leave by an override", at: state.id.location)
        }
        return canEnd[startIndex]
    }

    /// Which states (by canonical index) can reach some final state: a walk back from the finals.
    private func statesThatCanEnd(_ states: [StateDefinition], successors: [[Int]], canonical: [Int]) -> [Bool] {
        var predecessors = [[Int]](repeating: [], count: states.count)
        for (index, targets) in successors.enumerated() where canonical[index] == index {
            for next in targets { predecessors[next].append(index) }
        }
        var canEnd = [Bool](repeating: false, count: states.count)
        var pending: [Int] = []
        for (index, state) in states.enumerated() where state.isFinal && canonical[index] == index {
            canEnd[index] = true
            pending.append(index)
        }
        while let index = pending.popLast() {
            for previous in predecessors[index] where !canEnd[previous] {
                canEnd[previous] = true
                pending.append(previous)
            }
        }
        return canEnd
    }
}
