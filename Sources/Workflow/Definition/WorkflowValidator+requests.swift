extension WorkflowValidator {
    /// Requests to other administrations: `to` is an agency of the workflow, `provides` a
    /// declared field (a document field for a document), the states that open them wait
    /// (an automatic or final state could not be answered), and where `on_timeout` and
    /// `fallback` lead exists in the machine of every state that opens the request.
    mutating func checkRequests() {
        for request in workflow.requests {
            let context = "request '\(request.id.value)'"
            if workflow.agency(request.to.value) == nil {
                unknown("agency", request.to, among: agencyIDs, context: "'to' of \(context)")
            } else if !workflow.roles.contains(where: { $0.agency.value == request.to.value }) {
                let agency = request.to.value
                error("'to' of \(context) names agency '\(agency)', which has no role in this workflow: none of its agents or systems could answer; declare one, such as 'agent-\(agency): { agency: \(agency) }' under 'roles'", at: request.to.location)
            }
            if let field = workflow.field(request.provides.value) {
                if request.kind == .document, field.type != .document {
                    error("'provides' of \(context) names field '\(field.path.value)' of type \(field.type), but a document request fills a field of type document", at: request.provides.location)
                }
            } else {
                unknown("field", request.provides, among: fieldPaths, context: "'provides' of \(context)")
            }
            if case .escalate(let code)? = request.onTimeout { checkEscalationCode(code, context: "'on_timeout' of \(context)") }
            if case .target(.escalate(let code))? = request.fallback { checkEscalationCode(code, context: "'fallback' of \(context)") }
        }
        var opened: Set<String> = []
        for (state, scope) in allStates {
            let where_ = "'requests' of state '\(state.id.value)'"
            var listed: Set<String> = []
            for reference in state.requests {
                guard listed.insert(reference.value).inserted else {
                    error("\(where_) names request '\(reference.value)' twice: it would be asked twice at once; list it once", at: reference.location)
                    continue
                }
                guard let request = workflow.request(reference.value) else {
                    unknown("request", reference, among: workflow.requests.map(\.id.value), context: where_)
                    continue
                }
                opened.insert(request.id.value)
                switch state.kind {
                case .auto, .final:
                    error("\(where_): \(state.kind.name) state '\(state.id.value)' does not wait, so no answer could reach it; open the request in a state that waits (a queue or 'waiting_on')", at: reference.location)
                    continue
                case .human, .wait, .parallel:
                    break
                }
                let names = StateNames(scopeStates(scope))
                let targets = [request.onTimeout, request.fallback.flatMap { if case .target(let t) = $0 { t } else { nil } }]
                for (key, target) in zip(["on_timeout", "fallback"], targets) {
                    guard case .state(let id)? = target else { continue }
                    if id.value == state.id.value {
                        error("'\(key)' of request '\(request.id.value)' leads back to state '\(state.id.value)', which opens it again: the request would be asked for ever; lead elsewhere, or use 'ask: usager'", at: id.location)
                        continue
                    }
                    guard !names.set.contains(id.value) else { continue }
                    unknown("state", id, among: names.ordered,
                            context: "'\(key)' of request '\(request.id.value)', opened in \(scope.describe()) state '\(state.id.value)',")
                }
            }
        }
        for request in workflow.requests where !opened.contains(request.id.value) {
            warning("request '\(request.id.value)' is opened by no state; list it in a state's 'requests', or remove it", at: request.id.location)
        }
    }

    /// The states of one machine: the main one, or a track's.
    private func scopeStates(_ scope: StateScope) -> [StateDefinition] {
        switch scope {
        case .main: workflow.states
        case .track(_, let track): track.states
        }
    }
}
