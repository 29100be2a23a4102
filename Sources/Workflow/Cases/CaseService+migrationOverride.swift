import Foundation

extension CaseService {
    /// Settles one case that did not fit: moves it to `version`, into `state`, by override with
    /// a justification (`WorkflowEngine.migrate(_:from:overridingTo:…)`), in one transaction;
    /// for those who may migrate, and for the agents of the queue holding the case's open
    /// `migration-misfit` escalation, whose task it is to settle it. Returns the case as the
    /// caller may see it on its new version.
    public func migrate(_ id: UUID, toVersion version: Int, overridingTo state: String, note: String?, expectedVersion: Int?,
                        by caller: CaseCaller) async throws -> CaseReading {
        let current = try await look(id, by: caller)
        let workflow = current.record.snapshot.workflowID
        let settles = current.record.snapshot.tasks.contains { task in
            task.escalation?.reason == EscalationReason.migrationMisfit.rawValue && current.rules.access?.mayWorkOn(queue: task.queue) == true
        }
        // Every problem of the request at once: the version, the state, the note.
        var problems: [CaseFailure.Problem] = []
        var refusal: Refusal.Code?
        if note.map({ $0.allSatisfy(\.isWhitespace) }) ?? true {
            problems.append(.init("moving a case into a state of another version needs a note that justifies it", pointer: "/note"))
            refusal = .noteRequired
        }
        var found: WorkflowDefinition?
        do {
            found = try await migrationTarget(MigrationRequest(workflow: workflow, toVersion: version), by: caller, authorized: settles)
        } catch let failure as CaseFailure where failure.refusal == .versionNotPublished {
            problems += failure.problems
        }
        if let found {
            if let chosen = found.state(state) {
                if chosen.isFinal {
                    problems.append(.init("'\(state)' is a final state: close the case by an override within its own version", pointer: "/state"))
                    refusal = .finalStateByMigration
                }
            } else {
                var message = "'\(state)' is not a state of version \(version)"
                if let close = Suggestion.closest(to: state, among: found.states.map(\.id.value)) { message += "; did you mean '\(close)'?" }
                problems.append(.init(message, pointer: "/state"))
                refusal = .unknownState
            }
        }
        guard let target = found, problems.isEmpty else {
            throw CaseFailure(found == nil ? .notFound : .refused,
                              problems.count == 1 ? problems[0].detail : "\(problems.count) problems: " + problems.map(\.detail).joined(separator: "; "),
                              refusal: problems.count == 1 ? refusal : nil, problems: problems)
        }
        let newEngine = engine(target)
        let rules = CaseRules(caller, definition: target)
        do {
            let (record, _) = try await store.change(id, expectedVersion: expectedVersion, via: caller.via) { record, old in
                guard record.snapshot.workflowVersion != version else {
                    throw CaseFailure(.refused, "the case is already on version \(version): override within it instead (cases override without --to-version)",
                                      refusal: .alreadyOnVersion)
                }
                return CaseStore.Prepared(actor: caller.actor, decide: { snapshot, _, now in
                    newEngine.migrate(snapshot, from: old, overridingTo: state, actor: caller.actor, note: note, now: now)
                }, journal: { change in [.read(id, by: rules.journalAccess, fields: rules.readFields(change.after))] })
            }
            return reading(record, rules: rules)
        } catch let error as StoreError {
            // The data is not in this request: its problems name their fields, with no pointer.
            var failure = Self.failure(error, rules: rules)
            if var refused = failure as? CaseFailure {
                refused.problems = refused.problems.map { CaseFailure.Problem($0.detail, field: $0.field) }
                failure = refused
            }
            throw failure
        }
    }
}
