import Foundation

extension WorkflowEngine {
    /// Fires an action, in the brief's order: who may fire it; the data merged and checked
    /// (`editable_by` for agents); `requires`; the guard; the note; the `set` values, computed on
    /// the merged data and checked against their fields; then the move or the escalation.
    ///
    /// Any failed check refuses the action and changes nothing. A `set` value that fails at run
    /// time, or breaks its field's spec, is the workflow's fault rather than the caller's: the
    /// case does not move, its data is left as it was, and it is escalated (`action-failed`,
    /// `invalid-data`) with what a person needs to act.
    func fireAction(_ name: String, data: JSONValue?, track: String?, actor: CaseActor, note: String?,
                    change: inout ChangeBuilder) throws(Refusal) {
        let offer = try offer(of: name, track: track, actor: actor, snapshot: change.snapshot)
        let transition = offer.transition
        let place = offer.state?.id.value ?? change.snapshot.state
        if let target = transition.target.state?.value {
            let known = offer.track.map { trackState(target, track: $0, snapshot: change.snapshot) != nil }
                ?? (definition.state(target) != nil)
            guard known else { throw Refusal(.unknownState, "action '\(name)' leads to state '\(target)', which is not defined") }
        }

        let before = change.snapshot.data
        let merged = try data.map { data throws(Refusal) in try self.merged(data, into: before) } ?? before
        try checkData(merged)
        try checkEditable(from: before, to: merged, actor: actor)
        let missing = transition.requires.map(\.value).filter { !merged.hasValue(at: $0) }
        if !missing.isEmpty {
            throw Refusal(.requiredFieldMissing, problems: missing.map {
                Refusal.FieldProblem(field: $0, message: "'\(name)' requires the field '\($0)'; send it with the action")
            })
        }
        try checkGuard(of: transition, data: merged, now: change.now)
        if transition.note == .required, (note ?? "").allSatisfy(\.isWhitespace) {
            throw Refusal(.noteRequired, "'\(name)' needs a note that justifies it")
        }
        guard let written = try computeSet(of: transition, on: merged, data: data, place: place, track: offer.track,
                                           change: &change) else { return }

        change.snapshot.data = written
        var context: [String: JSONValue] = [:]
        if actor.actsForCitizen(offer.firers) { context["for"] = "usager" }
        if offer.state == nil { context["global"] = true }
        change.record("action", from: place, to: transition.target.state?.value, track: offer.track, name: name,
                      dataDiff: validator.diff(from: before, to: written), context: context.isEmpty ? nil : .object(context),
                      note: note)
        switch transition.target {
        case .state(let target):
            let from = offer.state ?? definition.state(change.snapshot.state)!
            move(to: target.value, track: offer.track, from: from, resolution: "action '\(name)' fired", change: &change)
        case .escalate(let code):
            var context: [String: JSONValue] = ["action": .string(name), "raised_by": .string(actor.recorded)]
            if let note, !note.isEmpty { context["note"] = .string(note) }
            escalate(code: code.value, context: context, state: place, track: offer.track, note: note, change: &change)
        }
    }

    /// Refuses an agent's data that changes a field they may not edit (`editable_by`).
    func checkEditable(from before: JSONValue, to after: JSONValue, actor: CaseActor) throws(Refusal) {
        guard case .agent = actor.kind else { return }
        let agencies = Set(definition.agencies.map(\.id.value))
        for path in validator.changedPaths(from: before, to: after) {
            guard let spec = validator.spec(path), !actor.mayEdit(spec, workflowAgencies: agencies) else { continue }
            let who = spec.editableBy.isEmpty ? "agents of the workflow's agencies"
                : spec.editableBy.map(\.value.description).joined(separator: ", ")
            throw Refusal(.notAllowed, "\(actor.recorded) may not change '\(path)'; it is editable by \(who)", field: path)
        }
    }

    /// Refuses an action whose guard is false, unknown (naming the missing field) or fails.
    private func checkGuard(of transition: TransitionDefinition, data: JSONValue, now: Date) throws(Refusal) {
        guard let when = transition.when else { return }
        let name = transition.action.value
        guard let compiled = when.compiled else {
            throw Refusal(.guardFailed, "the guard of '\(name)' has an error in the workflow and cannot be evaluated")
        }
        switch evaluator(at: now).condition(compiled, data: data) {
        case .true:
            return
        case .false:
            throw Refusal(.guardFalse, "'\(name)' is not possible now: its condition \(when.text) is false")
        case .unknown(let missing):
            let field = missing.first ?? ""
            throw Refusal(.guardUnknown,
                          "'\(name)' needs the field '\(field)' to check its condition \(when.text); send it with the action",
                          field: field)
        case .failure(let failure):
            throw Refusal(.guardFailed, "the condition of '\(name)' could not be evaluated: \(failure.message)")
        }
    }

    /// The data with the transition's `set` values written, every value computed on the merged
    /// data. A value that needs a field the case lacks refuses the action (the caller can send
    /// it); a run-time failure or a value breaking its field's spec escalates instead, and nil
    /// is returned: the action then goes no further.
    private func computeSet(of transition: TransitionDefinition, on merged: JSONValue, data sent: JSONValue?,
                            place: String, track: String?, change: inout ChangeBuilder) throws(Refusal) -> JSONValue? {
        let name = transition.action.value
        let evaluator = evaluator(at: change.now)
        var results: [(field: String, result: ValueResult?)] = []
        for assignment in transition.assignments {
            results.append((assignment.field.value, assignment.value.compiled.map { evaluator.value($0, data: merged) }))
        }
        for (field, result) in results {
            if case .unknown(let missing) = result {
                let needed = missing.first ?? ""
                throw Refusal(.requiredFieldMissing,
                              "'\(name)' computes '\(field)' from '\(needed)', which the case lacks; send it with the action",
                              field: needed)
            }
        }
        var written = merged
        for (field, result) in results {
            var context: [String: JSONValue] = ["action": .string(name), "field": .string(field)]
            if let sent { context["data"] = sent }
            switch result {
            case .none:
                context["error"] = "the value has an error in the workflow and cannot be computed"
                escalate(.actionFailed, context: context, state: place, track: track, change: &change)
                return nil
            case .failure(let failure):
                context["error"] = .string(failure.message)
                escalate(.actionFailed, context: context, state: place, track: track, change: &change)
                return nil
            case .value(let value):
                context["value"] = value
                if let problem = validator.problems(of: value, at: field).first {
                    context["reason"] = .string(problem.reason)
                    escalate(.invalidData, context: context, state: place, track: track, change: &change)
                    return nil
                }
                if value.isNull {
                    written.removeValue(at: field)
                } else {
                    do {
                        try written.setValue(value, at: field)
                    } catch {
                        context["reason"] = .string(error.message)
                        escalate(.invalidData, context: context, state: place, track: track, change: &change)
                        return nil
                    }
                }
            case .unknown:
                continue
            }
        }
        return written
    }
}
