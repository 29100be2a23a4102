import Foundation

extension WorkflowEngine {
    /// Routes a case in an auto state by its `choose`, at once: the winning rule's (or
    /// `otherwise`'s) target is followed; missing data, no matching rule or a failing rule
    /// escalate the case, which then stays in the auto state until it is evaluated again.
    func route(_ state: StateDefinition, track: String?, change: inout ChangeBuilder) {
        guard case .auto(let rules, let otherwise) = state.kind else { return }
        guard takeAutomaticStep(in: state, track: track, change: &change) else { return }
        let id = state.id.value
        var compiled: [CompiledExpression] = []
        for (index, rule) in rules.enumerated() {
            guard let expression = rule.when.compiled else {
                escalate(.actionFailed, context: ["rule": .number(JSONNumber(index + 1)), "when": .string(rule.when.text),
                                                  "error": .string("the rule has an error and cannot be evaluated")],
                         state: id, track: track, change: &change)
                return
            }
            compiled.append(expression)
        }
        let result = evaluator(at: change.now).choose(compiled, hasOtherwise: otherwise != nil, data: change.snapshot.data)
        switch result {
        case .rule(let index):
            let rule = rules[index]
            let context: [String: JSONValue] = ["rule": .number(JSONNumber(index + 1)), "when": .string(rule.when.text)]
            if let next = rule.target.state {
                change.record("routed", from: id, to: next.value, track: track, context: .object(context))
            }
            follow(rule.target, from: state, track: track, context: context, deduplicate: true, change: &change)
        case .otherwise:
            if let next = otherwise!.state {
                change.record("routed", from: id, to: next.value, track: track, context: ["rule": "otherwise"])
            }
            follow(otherwise!, from: state, track: track, context: ["rule": "otherwise"], deduplicate: true, change: &change)
        case .missingData(let index, let missing):
            escalate(.missingData, context: [
                "rule": .number(JSONNumber(index + 1)), "when": .string(rules[index].when.text),
                "field": .string(missing.first ?? ""), "fields": .array(missing.map(JSONValue.string)),
            ], state: id, track: track, change: &change)
        case .noRuleMatched(let seen):
            let described = zip(rules.indices, seen).map { index, values -> JSONValue in
                ["rule": .number(JSONNumber(index + 1)), "when": .string(rules[index].when.text), "values": .object(values)]
            }
            escalate(.noRuleMatched, context: ["rules": .array(described)], state: id, track: track, change: &change)
        case .failure(let index, let failure):
            automaticStepFailed(context: ["rule": .number(JSONNumber(index + 1)), "when": .string(rules[index].when.text),
                                          "error": .string(failure.message)],
                                state: id, track: track, change: &change)
        }
    }

    /// Follows a rule's, a timed exit's or `otherwise`'s target: a move, or an escalation with
    /// that code (the case then stays where it is). A rule's escalation is not opened again
    /// while the same one is open (evaluating again finds it); a timed exit's is (a second
    /// reminder is a second escalation).
    func follow(_ target: TransitionTarget, from state: StateDefinition, track: String?, context: [String: JSONValue],
                deduplicate: Bool = false, change: inout ChangeBuilder) {
        switch target {
        case .state(let next):
            move(to: next.value, track: track, from: state, resolution: "moved on to '\(next.value)'", change: &change)
        case .escalate(let code):
            escalate(code: code.value, context: context, state: state.id.value, track: track, deduplicate: deduplicate,
                     change: &change)
        }
    }

    /// Counts one automatic move; past `maxAutomaticSteps` in one change, the case stays where
    /// it is with an `action-failed` escalation saying the automatic states loop.
    func takeAutomaticStep(in state: StateDefinition, track: String?, change: inout ChangeBuilder) -> Bool {
        let place = track.map { "\($0)/\(state.id.value)" } ?? state.id.value
        guard change.automaticSteps < maxAutomaticSteps else {
            let path = change.automaticPath.suffix(10).map(JSONValue.string)
            escalate(.actionFailed, context: [
                "error": .string("the automatic states loop: more than \(maxAutomaticSteps) automatic steps in one change, stopped in '\(place)'"),
                "states": .array(path),
            ], state: state.id.value, track: track, change: &change)
            return false
        }
        change.automaticSteps += 1
        change.automaticPath.append(place)
        return true
    }
}
