/// One place where an action is offered in the case's current situation: a track's state, the
/// main state's `on`, or `global_actions`, with who may fire it there.
struct ActionOffer {
    var transition: TransitionDefinition
    /// The state whose `on` offers it; nil for a global action.
    var state: StateDefinition?
    /// The track offering it, when it is an action of a track's state.
    var track: String?
    var firers: ActionFirers

    /// How the offer is named to a caller who must choose: the track, or the main state.
    var placeDescription: String {
        if let track { return "track '\(track)'" }
        if let state { return "state '\(state.id.value)'" }
        return "the global actions"
    }
}

extension ActionFirers {
    /// Who may fire, in words, for a refusal.
    var description: String {
        switch self {
        case .roles(let roles, let citizen):
            let list = roles.sorted().joined(separator: ", ")
            if roles.isEmpty { return citizen ? "the citizen's portal" : "nobody" }
            return "agents holding one of the roles \(list)" + (citizen ? ", or the citizen's portal" : "")
        case .citizenOrCounter(let agencies):
            return "the citizen's portal, or an agent of \(agencies.sorted().joined(separator: ", ")) at a counter"
        case .agency(let agency):
            return "agents of \(agency)"
        case .engine:
            return "nobody (the state waits on the engine and the action has no 'by')"
        }
    }
}
