import Foundation
import Logging
import PostgresNIO

/// Writes an engine change inside the caller's transaction: the case row, closed and new
/// tasks, removed and new timers, and the history, in that order (timers name tasks).
struct CaseWriter {
    let connection: PostgresConnection
    let logger: Logger

    /// A new case: its first row at version 1.
    func insert(_ change: CaseChange, citizenRef: String?, now: Date) async throws {
        let after = change.after
        try await connection.query("""
            INSERT INTO cases (id, workflow_id, workflow_version, data, status, outcome, state, tracks, waiting_on,
                               escalated, version, citizen_ref, created_at, entered_state_at, last_event_at, closed_at)
            VALUES (\(after.id), \(after.workflowID), \(after.workflowVersion), \(after.data.serialized())::jsonb,
                    \(after.status.isClosed ? "closed" : "open"), \(after.status.outcome), \(after.state),
                    \(CaseRows.tracks(after.tracks))::jsonb, \(after.waitingOn), \(after.isEscalated), 1, \(citizenRef),
                    \(DatabaseTime.text(after.createdAt))::timestamptz, \(DatabaseTime.text(after.enteredStateAt))::timestamptz,
                    \(DatabaseTime.text(after.lastEventAt))::timestamptz, \(after.status.isClosed ? DatabaseTime.text(now) : nil)::timestamptz)
            """, logger: logger)
        try await writeDetails(change, caseID: after.id, version: 1, now: now)
    }

    /// An existing case: its row moves from `previousVersion` to the next one, or the write
    /// is a conflict (the row lock makes that a second line of defence).
    func update(_ change: CaseChange, previousVersion: Int, now: Date) async throws {
        let after = change.after
        let rows = try await connection.query("""
            UPDATE cases SET data = \(after.data.serialized())::jsonb,
                             status = \(after.status.isClosed ? "closed" : "open"),
                             outcome = \(after.status.outcome),
                             state = \(after.state),
                             tracks = \(CaseRows.tracks(after.tracks))::jsonb,
                             waiting_on = \(after.waitingOn),
                             escalated = \(after.isEscalated),
                             version = version + 1,
                             entered_state_at = \(DatabaseTime.text(after.enteredStateAt))::timestamptz,
                             last_event_at = \(DatabaseTime.text(after.lastEventAt))::timestamptz,
                             closed_at = \(after.status.isClosed ? DatabaseTime.text(now) : nil)::timestamptz
            WHERE id = \(after.id) AND version = \(previousVersion)
            RETURNING version
            """, logger: logger)
        var newVersion: Int?
        for try await version in rows.decode(Int.self) { newVersion = version }
        guard let newVersion else {
            throw StoreError(.conflict, "case \(after.id) changed while this change was being written; read it again and retry")
        }
        try await writeDetails(change, caseID: after.id, version: newVersion, now: now)
    }

    private func writeDetails(_ change: CaseChange, caseID: UUID, version: Int, now: Date) async throws {
        if !change.closedTasks.isEmpty {
            try await connection.query("""
                UPDATE tasks SET closed_at = \(DatabaseTime.text(now))::timestamptz, resolution = r.resolution
                FROM jsonb_to_recordset(\(CaseRows.closedTasks(change.closedTasks))::jsonb) AS r(id uuid, resolution text)
                WHERE tasks.id = r.id AND tasks.case_id = \(caseID) AND tasks.closed_at IS NULL
                """, logger: logger)
        }
        if !change.openedTasks.isEmpty {
            try await connection.query("""
                INSERT INTO tasks (id, case_id, queue, state, track, kind, reason, context, assignee, sla_due_at, opened_at)
                SELECT t.id, \(caseID), t.queue, t.state, t.track, t.kind, t.reason, t.context, t.assignee, t.sla_due_at, t.opened_at
                FROM jsonb_to_recordset(\(CaseRows.tasks(change.openedTasks))::jsonb)
                     AS t(id uuid, queue text, state text, track text, kind text, reason text, context jsonb,
                          assignee text, sla_due_at timestamptz, opened_at timestamptz)
                """, logger: logger)
        }
        if !change.removedTimers.isEmpty {
            try await connection.query("DELETE FROM timers WHERE case_id = \(caseID) AND id = ANY(\(change.removedTimers))", logger: logger)
        }
        if !change.createdTimers.isEmpty {
            try await connection.query("""
                INSERT INTO timers (id, case_id, kind, state, track, after_index, task_id, attempt, due_at)
                SELECT t.id, \(caseID), t.kind, t.state, t.track, t.after_index, t.task_id, t.attempt, t.due_at
                FROM jsonb_to_recordset(\(CaseRows.timers(change.createdTimers))::jsonb)
                     AS t(id uuid, kind text, state text, track text, after_index integer, task_id uuid, attempt integer, due_at timestamptz)
                """, logger: logger)
        }
        if !change.history.isEmpty {
            // WITH ORDINALITY keeps the engine's order in the identity column.
            try await connection.query("""
                INSERT INTO case_history (case_id, case_version, at, event, actor, from_state, to_state, track, name,
                                          data_diff, reason, context, note, waiting_on)
                SELECT \(caseID), \(version), (e.value->>'at')::timestamptz, e.value->>'event', e.value->>'actor',
                       e.value->>'from_state', e.value->>'to_state', e.value->>'track', e.value->>'name',
                       nullif(e.value->'data_diff', 'null'::jsonb), e.value->>'reason',
                       nullif(e.value->'context', 'null'::jsonb), e.value->>'note', e.value->>'waiting_on'
                FROM jsonb_array_elements(\(CaseRows.history(change.history))::jsonb) WITH ORDINALITY AS e(value, n)
                ORDER BY e.n
                """, logger: logger)
        }
    }
}
