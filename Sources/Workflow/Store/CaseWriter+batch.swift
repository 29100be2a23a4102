import Foundation
import PostgresNIO

extension CaseWriter {
    /// One change of each of several cases, written with one set-based statement per table
    /// instead of one per case (the worker's batches): the same rows, in the same order
    /// (timers name tasks), as `update` for each change, inside the caller's transaction, so
    /// every change is still all or nothing with its batch. A case whose version moved is a
    /// conflict for the whole batch, as with `update`. The cases must be distinct.
    func update(_ changes: [(change: CaseChange, previousVersion: Int)], now: Date) async throws {
        guard !changes.isEmpty else { return }
        let nowText = DatabaseTime.text(now)
        let caseRows = JSONValue.array(changes.map { change, previous in
            let after = change.after
            return .object([
                "id": .string(after.id.uuidString), "previous": .number(JSONNumber(previous)), "data": after.data,
                "status": .string(after.status.isClosed ? "closed" : "open"),
                "outcome": after.status.outcome.map(JSONValue.string) ?? .null, "state": .string(after.state),
                "tracks": CaseRows.tracksValue(after.tracks), "waiting_on": .string(after.waitingOn),
                "escalated": .bool(after.isEscalated), "entered_state_at": DatabaseTime.json(after.enteredStateAt),
                "last_event_at": DatabaseTime.json(after.lastEventAt),
                "closed_at": after.status.isClosed ? .string(nowText) : .null,
            ])
        }).serialized()
        let rows = try await connection.query("""
            UPDATE cases SET data = r.data, status = r.status, outcome = r.outcome, state = r.state, tracks = r.tracks,
                             waiting_on = r.waiting_on, escalated = r.escalated, version = cases.version + 1,
                             entered_state_at = r.entered_state_at, last_event_at = r.last_event_at, closed_at = r.closed_at
            FROM jsonb_to_recordset(\(caseRows)::jsonb)
                 AS r(id uuid, previous integer, data jsonb, status text, outcome text, state text, tracks jsonb,
                      waiting_on text, escalated boolean, entered_state_at timestamptz, last_event_at timestamptz,
                      closed_at timestamptz)
            WHERE cases.id = r.id AND cases.version = r.previous
            RETURNING cases.id
            """, logger: logger)
        var updated = 0
        for try await _ in rows.decode(UUID.self) { updated += 1 }
        guard updated == changes.count else {
            throw StoreError(.conflict, "\(changes.count - updated) of \(changes.count) cases changed while their changes were being written; read them again and retry")
        }

        // Each detail row carries its case (and the history its new version).
        func detailRows<T>(_ pick: (CaseChange) -> [T], _ columns: (T) -> [String: JSONValue]) -> [JSONValue] {
            changes.flatMap { change, previous in
                pick(change).map { item in
                    var object = columns(item)
                    object["case_id"] = .string(change.after.id.uuidString)
                    object["case_version"] = .number(JSONNumber(previous + 1))
                    return JSONValue.object(object)
                }
            }
        }
        let closed = detailRows(\.closedTasks) { ["id": .string($0.id.uuidString), "resolution": .string($0.resolution)] }
        if !closed.isEmpty {
            try await connection.query("""
                UPDATE tasks SET closed_at = \(nowText)::timestamptz, resolution = r.resolution
                FROM jsonb_to_recordset(\(JSONValue.array(closed).serialized())::jsonb) AS r(id uuid, case_id uuid, resolution text)
                WHERE tasks.id = r.id AND tasks.case_id = r.case_id AND tasks.closed_at IS NULL
                """, logger: logger)
        }
        let opened = detailRows(\.openedTasks, CaseRows.task)
        if !opened.isEmpty {
            try await connection.query("""
                INSERT INTO tasks (id, case_id, queue, state, track, kind, reason, context, assignee, sla_due_at, opened_at)
                SELECT t.id, t.case_id, t.queue, t.state, t.track, t.kind, t.reason, t.context, t.assignee, t.sla_due_at, t.opened_at
                FROM jsonb_to_recordset(\(JSONValue.array(opened).serialized())::jsonb)
                     AS t(id uuid, case_id uuid, queue text, state text, track text, kind text, reason text, context jsonb,
                          assignee text, sla_due_at timestamptz, opened_at timestamptz)
                """, logger: logger)
        }
        let removed = changes.flatMap { change, _ in change.removedTimers.map { (change.after.id, $0) } }
        if !removed.isEmpty {
            try await connection.query("""
                DELETE FROM timers USING unnest(\(removed.map(\.0))::uuid[], \(removed.map(\.1))::uuid[]) AS r(case_id, id)
                WHERE timers.case_id = r.case_id AND timers.id = r.id
                """, logger: logger)
        }
        let created = detailRows(\.createdTimers, CaseRows.timer)
        if !created.isEmpty {
            try await connection.query("""
                INSERT INTO timers (id, case_id, kind, state, track, after_index, task_id, attempt, due_at)
                SELECT t.id, t.case_id, t.kind, t.state, t.track, t.after_index, t.task_id, t.attempt, t.due_at
                FROM jsonb_to_recordset(\(JSONValue.array(created).serialized())::jsonb)
                     AS t(id uuid, case_id uuid, kind text, state text, track text, after_index integer, task_id uuid,
                          attempt integer, due_at timestamptz)
                """, logger: logger)
        }
        let history = detailRows(\.history) { $0.jsonMembers(time: DatabaseTime.text) }
        if !history.isEmpty {
            // WITH ORDINALITY keeps each case's entries in the engine's order in the identity column.
            try await connection.query("""
                INSERT INTO case_history (case_id, case_version, at, event, actor, from_state, to_state, track, name,
                                          data_diff, reason, context, note, waiting_on)
                SELECT (e.value->>'case_id')::uuid, (e.value->>'case_version')::integer, (e.value->>'at')::timestamptz,
                       e.value->>'event', e.value->>'actor', e.value->>'from_state', e.value->>'to_state', e.value->>'track',
                       e.value->>'name', nullif(e.value->'data_diff', 'null'::jsonb), e.value->>'reason',
                       nullif(e.value->'context', 'null'::jsonb), e.value->>'note', e.value->>'waiting_on'
                FROM jsonb_array_elements(\(JSONValue.array(history).serialized())::jsonb) WITH ORDINALITY AS e(value, n)
                ORDER BY e.n
                """, logger: logger)
        }
    }
}
