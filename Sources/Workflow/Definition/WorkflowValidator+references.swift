extension WorkflowValidator {
    var agencyIDs: [String] { workflow.agencies.map(\.id.value) }
    var roleIDs: [String] { workflow.roles.map(\.id.value) }
    var queueIDs: [String] { workflow.queues.map(\.id.value) }
    var exceptionCodes: [String] { workflow.exceptions.map(\.code.value) }
    var fieldPaths: [String] { workflow.fields.map(\.path.value) }

    /// Agencies, roles, queues, exceptions and the escalation queue point at things that exist.
    mutating func checkOrganisation() {
        for role in workflow.roles where !role.agency.value.isEmpty && workflow.agency(role.agency.value) == nil {
            let queues = workflow.queues.filter { $0.roles.contains { $0.value == role.id.value } }.map { "'\($0.id.value)'" }
            let consequence = queues.isEmpty ? "" : "so no agency holds it and queue \(queues.joined(separator: ", ")) could not be worked; "
            var message = "role '\(role.id.value)' belongs to unknown agency '\(role.agency.value)'\(consequence.isEmpty ? "; " : ", " + consequence)"
            if let close = Suggestion.closest(to: role.agency.value, among: agencyIDs) {
                message += "did you mean '\(close)'?"
            } else {
                message += agencyIDs.isEmpty ? "declare it under 'agencies'" : "declare it under 'agencies' (known: \(agencyIDs.joined(separator: ", ")))"
            }
            error(message, at: role.agency.location)
        }
        for queue in workflow.queues {
            for role in queue.roles where workflow.role(role.value) == nil {
                unknown("role", role, among: roleIDs, context: "queue '\(queue.id.value)'")
            }
        }
        for exception in workflow.exceptions {
            if let queue = exception.queue, workflow.queue(queue.value) == nil {
                unknown("queue", queue, among: queueIDs, context: "exception '\(exception.code.value)'")
            }
        }
        if let queue = workflow.escalationQueue, workflow.queue(queue.value) == nil {
            unknown("queue", queue, among: queueIDs, context: "'escalation'")
        }
    }

    /// Field paths do not clash, and `visible_to` / `editable_by` name agencies or roles.
    mutating func checkFields() {
        let paths = Set(fieldPaths)
        for field in workflow.fields {
            let segments = field.path.value.split(separator: ".")
            for length in 1..<max(segments.count, 1) {
                let parent = segments.prefix(length).joined(separator: ".")
                if paths.contains(parent) {
                    error("field '\(field.path.value)' lies inside field '\(parent)', which is declared with a type of its own; a path is either a value or a group of fields", at: field.path.location)
                    break
                }
            }
            for subject in field.visibleTo {
                checkSubject(subject)
            }
            // `editable_by: [usager]`: the person provides it through the portal.
            for subject in field.editableBy where subject.value != .agency(AccessSubject.citizen) {
                checkSubject(subject)
            }
        }
    }

    private mutating func checkSubject(_ subject: Located<AccessSubject>) {
        switch subject.value {
        case .agency(let id) where workflow.agency(id) == nil:
            var message = "'\(id)' is not an agency of this workflow"
            if let close = Suggestion.closest(to: id, among: agencyIDs) {
                message += "; did you mean '\(close)'?"
            } else if workflow.role(id) != nil {
                message += "; to name a role, write 'role:\(id)'"
            } else {
                message += "; write an agency id or 'role:ID'"
            }
            error(message, at: subject.location)
        case .role(let id) where workflow.role(id) == nil:
            unknown("role", Located(id, at: subject.location), among: roleIDs, context: "'role:\(id)'")
        default:
            break
        }
    }

    /// Every reference a state makes: start, queues, parties, targets, exceptions, fields, roles.
    mutating func checkStates() {
        let mainIDs = StateNames(workflow.states)
        if workflow.state(workflow.start.value) == nil {
            unknown("state", workflow.start, among: mainIDs.ordered, context: "'start'")
        }
        for transition in workflow.globalActions {
            checkTransition(transition, scopeStates: mainIDs, context: "global action '\(transition.action.value)'")
        }
        var trackNames: [String: StateNames] = [:]
        for (state, scope) in allStates {
            let scopeStates: StateNames
            if case .track(let parent, let track) = scope {
                let key = parent + "/" + track.id.value
                scopeStates = trackNames[key] ?? stateIDs(in: scope)
                trackNames[key] = scopeStates
            } else {
                scopeStates = mainIDs
            }
            let context = "state '\(state.id.value)'"
            if case .human(let queue) = state.kind, workflow.queue(queue.value) == nil {
                unknown("queue", queue, among: queueIDs, context: context)
            }
            let party = state.waitingOn.value
            if party != "usager", party != "engine", workflow.agency(party) == nil {
                unknown("party", state.waitingOn, among: ["usager", "engine"] + agencyIDs, context: "'waiting_on' of \(context)")
            }
            if let code = state.onBreach { checkEscalationCode(code, context: "'on_breach' of \(context)") }
            for transition in state.actions {
                checkTransition(transition, scopeStates: scopeStates, context: "action '\(transition.action.value)'")
            }
            for exit in state.timedExits {
                checkTarget(exit.target, scopeStates: scopeStates, context: "'after' of \(context)")
            }
            switch state.kind {
            case .auto(let rules, let otherwise):
                for rule in rules { checkTarget(rule.target, scopeStates: scopeStates, context: "a rule of \(context)") }
                if let otherwise { checkTarget(otherwise, scopeStates: scopeStates, context: "'otherwise' of \(context)") }
            case .parallel(let parallel):
                if workflow.state(parallel.next.value) == nil {
                    unknown("state", parallel.next, among: mainIDs.ordered, context: "'next' of \(context)")
                }
                for track in parallel.tracks { checkTrack(track) }
            case .final, .human, .wait:
                break
            }
        }
    }

    private mutating func checkTrack(_ track: TrackDefinition) {
        if let agency = track.agency, workflow.agency(agency.value) == nil {
            unknown("agency", agency, among: agencyIDs, context: "track '\(track.id.value)'")
        }
        if track.state(track.start.value) == nil {
            unknown("state", track.start, among: track.states.map(\.id.value), context: "'start' of track '\(track.id.value)'")
        }
    }

    func stateIDs(in scope: StateScope) -> StateNames {
        switch scope {
        case .main: StateNames(workflow.states)
        case .track(_, let track): StateNames(track.states)
        }
    }

    private mutating func checkTransition(_ transition: TransitionDefinition, scopeStates: StateNames, context: String) {
        checkTarget(transition.target, scopeStates: scopeStates, context: context)
        for field in transition.requires where workflow.field(field.value) == nil {
            unknown("field", field, among: fieldPaths, context: "'requires' of \(context)")
        }
        for assignment in transition.assignments where workflow.field(assignment.field.value) == nil {
            unknown("field", assignment.field, among: fieldPaths, context: "'set' of \(context)")
        }
        for role in transition.firedBy where role.value != "usager" && workflow.role(role.value) == nil {
            unknown("role", role, among: roleIDs + ["usager"], context: "'by' of \(context)")
        }
    }

    mutating func checkTarget(_ target: TransitionTarget, scopeStates: StateNames, context: String) {
        switch target {
        case .state(let id) where !scopeStates.set.contains(id.value):
            unknown("state", id, among: scopeStates.ordered, context: context)
        case .escalate(let code):
            checkEscalationCode(code, context: context)
        default:
            break
        }
    }

    mutating func checkEscalationCode(_ code: Located<String>, context: String) {
        guard code.value != EscalationReason.agentRaised.rawValue, workflow.exception(code.value) == nil else { return }
        unknown("exception", code, among: exceptionCodes + [EscalationReason.agentRaised.rawValue], context: context)
    }
}

/// The names of one machine's states, in file order and as a set for lookups.
struct StateNames {
    let ordered: [String]
    let set: Set<String>

    init(_ states: [StateDefinition]) {
        ordered = states.map(\.id.value)
        set = Set(ordered)
    }
}
