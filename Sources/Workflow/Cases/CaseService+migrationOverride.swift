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
        let target = try await migrationTarget(MigrationRequest(workflow: workflow, toVersion: version), by: caller, authorized: settles)
        let newEngine = engine(target)
        let rules = CaseRules(caller, definition: target)
        do {
            let (record, _) = try await store.change(id, expectedVersion: expectedVersion, via: caller.via) { record, old in
                guard record.snapshot.workflowVersion != version else {
                    throw CaseFailure(.conflict, "the case is already on version \(version)")
                }
                return CaseStore.Prepared(actor: caller.actor, decide: { snapshot, _, now in
                    newEngine.migrate(snapshot, from: old, overridingTo: state, actor: caller.actor, note: note, now: now)
                }, journal: { change in [.read(id, by: rules.journalAccess, fields: rules.readFields(change.after))] })
            }
            return reading(record, rules: rules)
        } catch let error as StoreError {
            throw Self.failure(error, rules: rules)
        }
    }
}
