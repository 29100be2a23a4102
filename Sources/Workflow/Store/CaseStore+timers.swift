import Foundation
import Logging
import PostgresNIO

extension CaseStore {
    /// Applies claimed timers of several cases in one transaction: the cases are locked in id
    /// order (so two workers never deadlock), the clock is read once they are held, and each
    /// timer is fired through the engine and removed in the same transaction as the change it
    /// causes. A timer is applied only while `worker` still holds it and it is still pending,
    /// so a timer taken over by another worker after a lease ended is never applied twice.
    ///
    /// The cases are read with three queries for the whole batch and their changes written with
    /// one statement for every table (`CaseWriter.write`): a round trip per batch rather than
    /// several per case is where the worker's speed is. A case with more than one timer in the
    /// batch has them fired one after the other, each seeing the change of the one before.
    ///
    /// Any failure aborts the whole transaction: the caller then applies the timers one case
    /// per transaction, so that a bad case is retried or escalated alone.
    public func applyClaimed(_ timers: [ClaimedTimer], worker: String) async throws -> [TimerApplication] {
        guard !timers.isEmpty else { return [] }
        var definitions: [String: WorkflowDefinition] = [:]
        for timer in timers where definitions[Self.key(timer)] == nil {
            definitions[Self.key(timer)] = try await catalog.definition(id: timer.workflowID, version: timer.workflowVersion)
        }
        let byCase = Dictionary(grouping: timers, by: \.caseID)
        let caseIDs = Array(byCase.keys)
        return try await database.transaction { connection in
            let logger = database.logger
            for try await _ in try await connection.query(
                "SELECT id FROM cases WHERE id = ANY(\(caseIDs)) ORDER BY id FOR NO KEY UPDATE", logger: logger) {}
            let now = try await Self.databaseClock(connection, logger: logger)
            let holders = try await Self.holders(of: timers.map(\.id), connection, logger: logger)
            let reader = CaseReader(connection: connection, logger: logger)
            let writer = CaseWriter(connection: connection, logger: logger)
            let snapshots = try await reader.snapshots(caseIDs)
            var results: [TimerApplication] = []
            var changes: [CaseWriter.Entry] = []
            for caseID in caseIDs.sorted(by: { $0.precedes($1) }) {
                let due = byCase[caseID, default: []].sorted(by: { $0.dueAt != $1.dueAt ? $0.dueAt < $1.dueAt : $0.id.precedes($1.id) })
                if due.count > 1 {
                    for timer in due {
                        let result = try await fire(timer, holder: holders[timer.id], worker: worker,
                                                    definition: definitions[Self.key(timer)]!, now: now,
                                                    reader: reader, writer: writer)
                        results.append(TimerApplication(timer: timer, result: result, appliedAt: now))
                    }
                    continue
                }
                let timer = due[0]
                guard let snapshot = snapshots[caseID] else { throw StoreError(.notFound, "no case \(caseID)") }
                switch try await decide(timer, holder: holders[timer.id], worker: worker,
                                        definition: definitions[Self.key(timer)]!, snapshot: snapshot, now: now, writer: writer) {
                case .skipped(let result):
                    results.append(TimerApplication(timer: timer, result: result, appliedAt: now))
                case .change(let change):
                    changes.append(CaseWriter.Entry(change: change, previousVersion: snapshot.version, tasksAsRead: snapshot.tasks))
                    results.append(TimerApplication(timer: timer, result: Self.applied(change), appliedAt: now))
                }
            }
            let engineAccess = AccessJournal.Access(actor: CaseActor.engine.recorded, agency: CaseActor.engine.agency, via: "worker")
            try await writer.write(changes,
                                   journal: changes.map { .change($0.change.after.id, by: engineAccess, fields: Self.changedFields($0.change)) },
                                   now: now)
            return results
        }
    }

    /// What firing a held timer comes to: skipped, or a change still to write.
    private enum Decision {
        case skipped(TimerApplication.Result)
        case change(CaseChange)
    }

    /// Fires one held timer of a locked case and writes the change.
    private func fire(_ timer: ClaimedTimer, holder: String?, worker: String, definition: WorkflowDefinition, now: Date,
                      reader: CaseReader, writer: CaseWriter) async throws -> TimerApplication.Result {
        let snapshot = try await reader.snapshot(timer.caseID)
        switch try await decide(timer, holder: holder, worker: worker, definition: definition, snapshot: snapshot, now: now,
                                writer: writer) {
        case .skipped(let result):
            return result
        case .change(let change):
            try await writer.write([CaseWriter.Entry(change: change, previousVersion: snapshot.version, tasksAsRead: snapshot.tasks)],
                                   journal: [Self.journalLine(change, actor: .engine, via: "worker")], now: now)
            return Self.applied(change)
        }
    }

    /// The engine's decision on a held timer of a locked case, read as `snapshot`. A timer of a
    /// closed case is deleted at once.
    private func decide(_ timer: ClaimedTimer, holder: String?, worker: String, definition: WorkflowDefinition,
                        snapshot: CaseSnapshot, now: Date, writer: CaseWriter) async throws -> Decision {
        guard let holder else { return .skipped(.skipped("applied or cancelled meanwhile")) }
        guard holder == worker else {
            return .skipped(.skipped(holder.isEmpty ? "given back since this worker's lease ended" : "held by \(holder) since this worker's lease ended"))
        }
        guard snapshot.timers.contains(where: { $0.id == timer.id }) else { return .skipped(.skipped("applied or cancelled meanwhile")) }
        if snapshot.status.isClosed {
            // A closed case needs no owner and its timers mean nothing: should one remain, drop it.
            try await writer.connection.query("DELETE FROM timers WHERE id = \(timer.id)", logger: writer.logger)
            return .skipped(.skipped("the case is closed"))
        }
        let event = CaseEvent(.timerFired(timerID: timer.id), actor: .engine)
        switch engine(definition).apply(event, to: snapshot, now: now) {
        case .refused(let refusal):
            throw StoreError(.refused, "timer \(timer.id) of case \(timer.caseID): \(refusal.message)", refusal: refusal)
        case .applied(let change):
            return .change(change)
        }
    }

    private static func applied(_ change: CaseChange) -> TimerApplication.Result {
        .applied(escalations: change.openedTasks.compactMap { $0.escalation?.reason }, state: change.after.state,
                 closed: change.after.status.isClosed)
    }

    /// Which worker holds each of these timers (absent: the timer is gone).
    private static func holders(of ids: [UUID], _ connection: PostgresConnection, logger: Logger) async throws -> [UUID: String] {
        var holders: [UUID: String] = [:]
        let rows = try await connection.query("SELECT id, coalesce(locked_by, '') FROM timers WHERE id = ANY(\(ids))", logger: logger)
        for try await (id, holder) in rows.decode((UUID, String).self) { holders[id] = holder }
        return holders
    }

    private static func key(_ timer: ClaimedTimer) -> String { "\(timer.workflowID)@\(timer.workflowVersion)" }

    /// Consumes a timer whose change could not be written after every try and escalates the
    /// case as `action-failed` with the error. False when the timer is gone meanwhile.
    public func failTimer(_ timer: ClaimedTimer, error: String, attempts: Int) async throws -> Bool {
        do {
            _ = try await apply(CaseEvent(.timerFailed(timerID: timer.id, error: error, attempts: attempts), actor: .engine),
                                toCase: timer.caseID, via: "worker")
            return true
        } catch let error as StoreError where error.refusal?.code == .unknownTimer || error.refusal?.code == .caseClosed {
            return false
        }
    }

    /// Escalates a case the sweep found without an owner as `orphaned`; false when it has one
    /// by the time it is locked.
    public func escalateOrphan(_ caseID: UUID) async throws -> Bool {
        do {
            _ = try await apply(CaseEvent(.sweepFoundNoOwner, actor: .engine), toCase: caseID, via: "worker: sweep")
            return true
        } catch let error as StoreError where error.refusal?.code == .notOrphaned || error.refusal?.code == .caseClosed {
            return false
        }
    }
}
