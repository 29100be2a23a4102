extension WorkflowValidator {
    /// Human reality: no case may wait forever unnoticed, and auto states say what happens
    /// when no rule holds.
    mutating func checkDeadlines() {
        let stall = workflow.defaultStallAfter
        for (state, _) in allStates {
            if state.usesDefaultStall {
                warning("state '\(state.id.value)' has no deadline ('after', 'sla' or 'stall_after'), so it gets the default stall_after of \(stall): a case left there that long is escalated as 'stalled'; give it a deadline of its own if that is too long or too short", at: state.id.location)
            }
            if case .auto(_, nil) = state.kind {
                warning("auto state '\(state.id.value)' has no 'otherwise': a case that matches no rule is escalated as 'no-rule-matched'; add 'otherwise:' if a default path exists", at: state.id.location)
            }
            for action in state.actions where !state.isFinal && workflow.firers(of: action, in: state) == .engine {
                if case .auto = state.kind { continue }  // already warned: actions of an auto state never apply
                if case .human = state.kind { continue }  // a queue's roles fire them; an unknown queue is reported as such
                error("nobody can fire action '\(action.action.value)': state '\(state.id.value)' waits on the engine; add 'by:' with the roles allowed to fire it", at: action.action.location)
            }
            if case .wait = state.kind, state.waitingOn.value == "engine" {
                error("wait state '\(state.id.value)' waits on 'engine', but the engine never acts on a wait state; name who the case waits for: 'usager' or an agency id", at: state.waitingOn.location)
            }
        }
    }

    /// Every escalation that can arise must have a queue to go to.
    mutating func checkEscalationQueues() {
        let hasDefaultQueue = workflow.escalationQueue != nil
        for (code, context) in explicitEscalations() {
            guard !hasDefaultQueue else { break }
            let exception = workflow.exception(code.value)
            if exception == nil && code.value != EscalationReason.agentRaised.rawValue { continue }
            if exception?.queue == nil {
                error("\(context) escalates as '\(code.value)', but \(exception == nil ? "it" : "exception '\(code.value)'") has no queue and the workflow has no 'escalation' queue; add 'queue:' to the exception or 'escalation: { queue: ID }' at the top", at: code.location)
            }
        }
        if !hasDefaultQueue, let (reason, location) = firstEngineEscalation() {
            error("a case can be escalated as '\(reason)' here, but the workflow has no 'escalation' queue to receive it; add 'escalation: { queue: ID }' at the top of the file", at: location)
        }
    }

    /// `escalate:` and `on_breach:` codes, with where they are written.
    private func explicitEscalations() -> [(Located<String>, String)] {
        var result: [(Located<String>, String)] = []
        for transition in workflow.globalActions {
            if let code = transition.target.escalation { result.append((code, "global action '\(transition.action.value)'")) }
        }
        for (state, _) in allStates {
            let context = "state '\(state.id.value)'"
            if let code = state.onBreach { result.append((code, "'on_breach' of \(context)")) }
            for transition in state.actions {
                if let code = transition.target.escalation { result.append((code, "action '\(transition.action.value)'")) }
            }
            for exit in state.timedExits {
                if let code = exit.target.escalation { result.append((code, "'after' of \(context)")) }
            }
            if case .auto(let rules, let otherwise) = state.kind {
                for rule in rules {
                    if let code = rule.target.escalation { result.append((code, "a rule of \(context)")) }
                }
                if let code = otherwise?.escalation { result.append((code, "'otherwise' of \(context)")) }
            }
        }
        return result
    }

    /// The first place where the engine itself could escalate (breach, stall, no rule,
    /// missing data, a failing `set`), which needs the workflow's escalation queue.
    private func firstEngineEscalation() -> (String, SourceLocation)? {
        var found: [(String, SourceLocation)] = []
        for queue in workflow.queues {
            if let sla = queue.sla { found.append(("sla-breached", sla.location)) }
        }
        for exception in workflow.exceptions {
            if let sla = exception.sla { found.append(("sla-breached", sla.location)) }
        }
        for (state, scope) in allStates {
            if let sla = state.sla, state.onBreach == nil {
                found.append((state.kind.name == "wait" ? "deadline-expired" : "sla-breached", sla.location))
            }
            if let stall = state.stallAfter { found.append(("stalled", stall.location)) }
            if state.usesDefaultStall { found.append(("stalled", state.id.location)) }
            if case .auto(let rules, let otherwise) = state.kind {
                if otherwise == nil { found.append(("no-rule-matched", state.id.location)) }
                if let rule = rules.first { found.append(("missing-data", rule.when.location)) }
            }
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    if let when = track.when { found.append(("missing-data", when.location)) }
                }
            }
            for transition in state.actions + (scope.isMain ? workflow.globalActions : []) {
                if let first = transition.assignments.first { found.append(("action-failed", first.value.location)) }
            }
        }
        return found.min { $0.1 < $1.1 }
    }
}

extension StateScope {
    var isMain: Bool {
        if case .main = self { return true }
        return false
    }
}
