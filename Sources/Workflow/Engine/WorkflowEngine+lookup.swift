import Foundation

/// Where the states of the case's current situation are defined.
extension WorkflowEngine {
    /// The parallel definition of the case's current main state, when it is a parallel state.
    func parallel(of snapshot: CaseSnapshot) -> ParallelStateDefinition? {
        guard let state = definition.state(snapshot.state), case .parallel(let parallel) = state.kind else { return nil }
        return parallel
    }

    /// A state of one of the current parallel state's tracks.
    func trackState(_ id: String, track: String, snapshot: CaseSnapshot) -> StateDefinition? {
        parallel(of: snapshot)?.track(track)?.state(id)
    }

    /// The definition of the state a task or timer belongs to (main, or of its track).
    func stateDefinition(_ id: String, track: String?, snapshot: CaseSnapshot) -> StateDefinition? {
        if let track { return trackState(id, track: track, snapshot: snapshot) }
        return definition.state(id)
    }

    /// Whether the state a task or timer belongs to is still where the case (or its track) stands.
    func isActive(state: String, track: String?, snapshot: CaseSnapshot) -> Bool {
        guard let track else { return snapshot.state == state }
        return snapshot.tracks.contains { $0.track == track && $0.state == state && !$0.finished }
    }
}
