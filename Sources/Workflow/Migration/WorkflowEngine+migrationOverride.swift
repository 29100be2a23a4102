import Foundation

extension WorkflowEngine {
    /// Settles a case that does not fit (language brief: "override into a state of the new
    /// version"): a person with a justification moves it from `old` to this engine's version,
    /// into `state` of the main machine, like an override: what it had in its state is closed,
    /// the state is entered afresh, its deadlines counted from now. Its data must be valid under
    /// this version's fields (a correction first, else); a legal clock that runs for it and that
    /// this version does not have stops, recorded with the cause. Closing a case this way is
    /// refused (override within its version for that).
    public func migrate(_ snapshot: CaseSnapshot, from old: WorkflowDefinition, overridingTo state: String, actor: CaseActor,
                        note: String?, now: Date) -> EngineOutcome {
        do throws(Refusal) {
            guard let note, !note.allSatisfy(\.isWhitespace) else {
                throw Refusal(.noteRequired, "moving a case into a state of another version needs a note that justifies it")
            }
            guard !snapshot.status.isClosed else { throw Refusal(.caseClosed, "the case is closed; a closed case stays on its version") }
            guard let target = definition.state(state) else {
                var message = "'\(state)' is not a state of version \(definition.version.value)"
                if let close = Suggestion.closest(to: state, among: definition.states.map(\.id.value)) { message += "; did you mean '\(close)'?" }
                throw Refusal(.unknownState, message)
            }
            guard !target.isFinal else {
                throw Refusal(.finalStateByMigration, "'\(state)' is a final state: close the case by an override within its own version")
            }
            try checkData(snapshot.data)
            var change = ChangeBuilder(snapshot, now: now, actor: actor.recorded)
            change.record("migrated", from: snapshot.state, to: state, context: [
                "from_version": .number(JSONNumber(snapshot.workflowVersion)),
                "to_version": .number(JSONNumber(definition.version.value)), "override": .bool(true),
            ], note: note)
            change.record("override", from: snapshot.state, to: state, note: note)
            leaveMain(resolution: "override to '\(state)' of version \(definition.version.value)", change: &change)
            stopClocksMissing(from: old, change: &change)
            change.snapshot.workflowVersion = definition.version.value
            enterMain(target, from: snapshot.state, change: &change)
            finish(&change)
            var built = change.build()
            built.whoseMove = built.after.whoseMove(in: definition)
            built.events = OutboxEvent.of(built, before: snapshot, whoseMoveBefore: snapshot.whoseMove(in: old))
            return .applied(built)
        } catch {
            return .refused(error)
        }
    }
}
