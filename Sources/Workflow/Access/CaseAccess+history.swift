extension CaseAccess {
    /// What replaces a text (an error, a reason) that may quote data the agent cannot see.
    public static let redactedText = "hidden: this concerns data you cannot see"

    /// A history entry with its data diff limited to the fields the agent sees, its context
    /// filtered by `visibleContext`, and its note only when `mayRead(noteOf:)`; `asReferent`
    /// when the agent is the case's referent.
    public func visibleHistory(_ entry: HistoryEntry, asReferent: Bool = false) -> HistoryEntry {
        var visible = entry
        if entry.note != nil, !mayRead(noteOf: entry, asReferent: asReferent) {
            visible.note = nil
            visible.noteVisibleTo = nil
        }
        visible.dataDiff = entry.dataDiff.flatMap { diff -> JSONValue? in
            let kept = (diff.objectValue ?? [:]).filter { mayView(field: $0.key) }
            return kept.isEmpty ? nil : .object(kept)
        }
        visible.context = entry.context.map(visibleContext)
        return visible
    }

    /// Whether the agent may read the note of `entry`: its author always; otherwise by its
    /// `note_visible_to` (agencies, `role:ID`s, `all`), every agency knowing the case when it
    /// has none (notes from before notes had a visibility).
    ///
    /// The case's referent (`asReferent`) answers for the case across its agencies and reads
    /// the whole timeline: every note addressed to an agency, whichever. A note kept to a role
    /// (`role:ID`) stays with that role, as a field `visible_to` a role does: the referent
    /// reads it only by holding the role.
    public func mayRead(noteOf entry: HistoryEntry, asReferent: Bool = false) -> Bool {
        guard mayKnowCases else { return false }
        if entry.actor == actor.recorded { return true }
        guard let audience = entry.noteVisibleTo else { return true }
        return audience.contains { subject in
            if subject == NoteAudience.everyone { return true }
            if subject.hasPrefix("role:") { return roles.contains(String(subject.dropFirst("role:".count))) }
            return subject == agent.agency || asReferent
        }
    }

    /// An escalation whose context is limited to what the agent sees.
    public func visibleEscalation(_ escalation: Escalation) -> Escalation {
        Escalation(reason: escalation.reason, context: visibleContext(escalation.context))
    }

    /// The context of a history entry or an escalation without what reveals hidden data.
    ///
    /// The engine's contexts name fields and carry values: `values` (what a rule or a track's
    /// `when` read), `rules` (each with its `values`), `field` and `fields` (missing or
    /// invalid data, a `set` that failed) with the `value` computed, `data` (sent with an
    /// action). Hidden fields are removed from each. When the context involves a hidden field
    /// (names it, or its `when` or the `set` expression it reports reads it), `value` goes
    /// too, and the free texts that may quote a hidden value (`error`, `reason`) are replaced
    /// by `redactedText`. `"redacted": true` then says that part of the context was withheld.
    /// Expressions (`when`) are the workflow's own text, not case data, and are kept.
    public func visibleContext(_ context: JSONValue) -> JSONValue {
        guard mayKnowCases else { return .object([:]) }
        if let elements = context.arrayValue { return .array(elements.map(visibleContext)) }
        guard var members = context.objectValue else { return context }
        let hidden = involvedFields(members).contains { !mayView(field: $0) }
        var withheld = hidden

        if let values = members["values"]?.objectValue {
            members["values"] = .object(values.filter { mayView(field: $0.key) })
        }
        if let rules = members["rules"] {
            let visibleRules = visibleContext(rules)
            withheld = withheld || (visibleRules.arrayValue ?? []).contains { $0.objectValue?["redacted"] == true }
            members["rules"] = visibleRules
        }
        if let fields = members["fields"]?.arrayValue {
            members["fields"] = .array(fields.filter { $0.stringValue.map { mayView(field: $0) } ?? false })
        }
        if let field = members["field"]?.stringValue, !mayView(field: field) {
            members["field"] = nil
            members["value"] = nil
        }
        if let data = members["data"] {
            let visibleSent = visibleData(data)
            withheld = withheld || visibleSent != data
            members["data"] = visibleSent
        }
        if hidden {
            // A value computed from a hidden field would reveal it, even for a visible field.
            members["value"] = nil
            for key in ["error", "reason"] where members[key] != nil {
                members[key] = .string(Self.redactedText)
            }
        }
        if withheld { members["redacted"] = true }
        return .object(members)
    }

    /// The fields a context is about: those it names, those its values were read from, those
    /// its `when` reads, and those read by the `set` value of the action and field it reports.
    private func involvedFields(_ members: [String: JSONValue]) -> [String] {
        var fields: [String] = []
        if let field = members["field"]?.stringValue { fields.append(field) }
        fields += (members["fields"]?.arrayValue ?? []).compactMap(\.stringValue)
        fields += (members["values"]?.objectValue?.keys).map(Array.init) ?? []
        if let when = members["when"]?.stringValue { fields += fieldsRead(byExpression: when) }
        if let action = members["action"]?.stringValue, let field = members["field"]?.stringValue {
            fields += fieldsRead(bySetOf: action, field: field)
        }
        return fields
    }

    /// The fields an expression reads. Should it not parse (it always does: it comes from the
    /// published workflow), every hidden field its text mentions counts, to err on the safe side.
    private func fieldsRead(byExpression text: String) -> [String] {
        if let syntax = try? ExpressionNode.parse(text) { return syntax.fieldPaths }
        return fieldVisibility.filter { !$0.value && text.contains($0.key) }.map(\.key)
    }

    /// The fields read by the `set` expressions that write `field` in actions named `action`.
    private func fieldsRead(bySetOf action: String, field: String) -> [String] {
        let transitions = definition.globalActions + definition.states.flatMap(Self.allStates).flatMap(\.actions)
        return transitions.filter { $0.action.value == action }
            .flatMap(\.assignments).filter { $0.field.value == field }
            .flatMap { fieldsRead(byExpression: $0.value.text) }
    }

    /// A state, and the states of its tracks when it is a parallel state.
    private static func allStates(_ state: StateDefinition) -> [StateDefinition] {
        guard case .parallel(let parallel) = state.kind else { return [state] }
        return [state] + parallel.tracks.flatMap(\.states)
    }
}
