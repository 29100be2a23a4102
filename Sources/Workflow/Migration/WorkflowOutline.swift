/// A workflow flattened for comparison: each element of each section by name, in file order,
/// with its attributes as the text a designer reads (`to instruction when …`). A track's states
/// are named `TRACK.STATE`, as clocks and `--map` name them.
struct WorkflowOutline {
    private var sections: [WorkflowDiff.Section: [(String, [String: String])]] = [:]

    init(_ definition: WorkflowDefinition) {
        for state in definition.states {
            add(state, named: state.id.value)
            if case .parallel(let parallel) = state.kind {
                for track in parallel.tracks {
                    var attributes = ["in": state.id.value, "start": track.start.value,
                                      "states": track.states.map(\.id.value).joined(separator: ", ")]
                    attributes["agency"] = track.agency?.value
                    attributes["when"] = track.when?.text
                    sections[.tracks, default: []].append((track.id.value, attributes))
                    for inner in track.states { add(inner, named: "\(track.id.value).\(inner.id.value)") }
                }
            }
        }
        for action in definition.globalActions {
            sections[.states, default: []].append(("global_actions.\(action.action.value)", ["action": Self.text(action)]))
        }
        for field in definition.fields {
            var attributes = ["type": field.type.description, "required": String(field.required)]
            if case .enumeration(let values) = field.type { attributes["values"] = values.joined(separator: ", ") }
            if case .list(.enumeration(let values)) = field.type { attributes["values"] = values.joined(separator: ", ") }
            attributes["pattern"] = field.pattern?.value
            attributes["min"] = field.minimum?.value
            attributes["max"] = field.maximum?.value
            attributes["label"] = field.label
            if !field.visibleTo.isEmpty { attributes["visible_to"] = field.visibleTo.map(\.value.description).joined(separator: ", ") }
            if !field.editableBy.isEmpty { attributes["editable_by"] = field.editableBy.map(\.value.description).joined(separator: ", ") }
            sections[.fields, default: []].append((field.path.value, attributes))
        }
        for queue in definition.queues {
            var attributes = ["roles": queue.roles.map(\.value).joined(separator: ", ")]
            attributes["sla"] = queue.sla?.value.description
            sections[.queues, default: []].append((queue.id.value, attributes))
        }
        for exception in definition.exceptions {
            var attributes: [String: String] = ["title": exception.title ?? ""]
            attributes["queue"] = exception.queue?.value
            attributes["sla"] = exception.sla?.value.description
            sections[.exceptions, default: []].append((exception.code.value, attributes))
        }
        for clock in definition.clocks {
            var attributes = ["duration": clock.duration.value.description,
                              "starts_on": clock.startsOn.map(\.value).joined(separator: ", "),
                              "stops_on": clock.stopsOn.map(\.value).joined(separator: ", "),
                              "suspended_in": clock.suspendedIn.map(\.value).joined(separator: ", "),
                              "on_resume": clock.onResume.rawValue, "on_expiry": Self.text(clock.onExpiry),
                              "silence": clock.silence.rawValue]
            attributes["warn_before"] = clock.warnBefore?.value.description
            sections[.clocks, default: []].append((clock.id.value, attributes))
        }
    }

    func elements(_ section: WorkflowDiff.Section) -> [(String, [String: String])] { sections[section] ?? [] }

    /// A state in `states` (its kind, queue, whose move, actions), its `choose` in `rules`, its
    /// timed exits and SLA in `deadlines`.
    private mutating func add(_ state: StateDefinition, named name: String) {
        var attributes = ["kind": state.kind.name, "waiting_on": state.waitingOn.value]
        attributes["title"] = state.title
        for action in state.actions { attributes["on.\(action.action.value)"] = Self.text(action) }
        switch state.kind {
        case .human(let queue):
            attributes["queue"] = queue.value
        case .final(let outcome):
            attributes["outcome"] = outcome?.value ?? "closed"
        case .parallel(let parallel):
            attributes["tracks"] = parallel.tracks.map(\.id.value).joined(separator: ", ")
            attributes["join"] = parallel.join.rawValue
            attributes["next"] = parallel.next.value
        case .auto(let rules, let otherwise):
            var described: [String: String] = [:]
            for (index, rule) in rules.enumerated() { described["rule \(index + 1)"] = "when \(rule.when.text): \(Self.text(rule.target))" }
            described["otherwise"] = otherwise.map(Self.text)
            sections[.rules, default: []].append((name, described))
        case .wait:
            break
        }
        sections[.states, default: []].append((name, attributes))
        var deadlines: [String: String] = [:]
        for (index, exit) in state.timedExits.enumerated() {
            deadlines["after \(index + 1)"] = "\(exit.delay.value): \(Self.text(exit.target))"
        }
        deadlines["sla"] = state.sla?.value.description
        deadlines["on_breach"] = state.onBreach?.value
        deadlines["stall_after"] = state.stallAfter?.value.description
        if !deadlines.isEmpty { sections[.deadlines, default: []].append((name, deadlines)) }
    }

    static func text(_ target: TransitionTarget) -> String {
        switch target {
        case .state(let state): "to \(state.value)"
        case .escalate(let code): "escalate \(code.value)"
        }
    }

    static func text(_ action: TransitionDefinition) -> String {
        var parts = [text(action.target)]
        if let when = action.when { parts.append("when \(when.text)") }
        if !action.requires.isEmpty { parts.append("requires \(action.requires.map(\.value).joined(separator: ", "))") }
        if !action.assignments.isEmpty {
            parts.append("set " + action.assignments.map { "\($0.field.value) = \($0.value.text)" }.joined(separator: ", "))
        }
        if !action.firedBy.isEmpty { parts.append("by \(action.firedBy.map(\.value).joined(separator: ", "))") }
        if action.note == .required { parts.append("note required") }
        return parts.joined(separator: "; ")
    }
}
