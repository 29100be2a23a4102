/// Checks a loaded workflow as a whole: references, expression types, the graph of
/// states, and the human reality of queues, deadlines and escalations.
///
/// The loader already reported shape problems; the validator only adds what needs the
/// whole workflow in view. Each check lives in its own `WorkflowValidator+concern.swift`.
public struct WorkflowValidator {
    let workflow: WorkflowDefinition
    var diagnostics: [Diagnostic] = []
    /// Set when a transition names a state that does not exist: the graph checks would
    /// then only repeat that error as unreachable or dead-end states.
    var hasBrokenStateReference = false

    /// Every state with the machine it belongs to: the main one, or a parallel state's track.
    let allStates: [(state: StateDefinition, scope: StateScope)]

    public init(_ workflow: WorkflowDefinition) {
        self.workflow = workflow
        var states: [(StateDefinition, StateScope)] = []
        for state in workflow.states {
            states.append((state, .main))
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    states += track.states.map { ($0, StateScope.track(parent: state.id.value, track: track)) }
                }
            }
        }
        allStates = states
    }

    public mutating func validate() -> [Diagnostic] {
        checkOrganisation()
        checkFields()
        checkSummary()
        for role in workflow.overrideBy ?? [] where workflow.role(role.value) == nil {
            unknown("role", role, among: roleIDs, context: "'override_by'")
        }
        checkReferent()
        checkStates()
        checkGraph()
        checkDeadlines()
        checkEscalationQueues()
        checkClocks()
        checkRequests()
        return diagnostics
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, at: location))
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    /// Reports a name that is not among the known ones, with the closest as a suggestion.
    mutating func unknown(_ what: String, _ name: Located<String>, among known: [String], context: String = "") {
        guard !workflow.namesWithErrors.contains(name.value) else { return }
        if what == "state" { hasBrokenStateReference = true }
        var message = "\(context.isEmpty ? "" : context + " ")names unknown \(what) '\(name.value)'"
        if let close = Suggestion.closest(to: name.value, among: known) {
            message += "; did you mean '\(close)'?"
        } else if known.isEmpty {
            message += "; none is defined"
        } else {
            message += "; known: \(known.prefix(8).joined(separator: ", "))\(known.count > 8 ? "…" : "")"
        }
        error(message, at: name.location)
    }
}

/// Which machine a state belongs to, and so which states its transitions may name.
enum StateScope {
    case main
    case track(parent: String, track: TrackDefinition)

    var agency: Located<String>? {
        if case .track(_, let track) = self { return track.agency }
        return nil
    }

    func describe() -> String {
        switch self {
        case .main: "the workflow"
        case .track(let parent, let track): "track '\(track.id.value)' of '\(parent)'"
        }
    }
}
