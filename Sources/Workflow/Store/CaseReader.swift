import Foundation
import Logging
import PostgresNIO

/// Reads a case, its open tasks, pending timers and history on one connection.
struct CaseReader {
    let connection: PostgresConnection
    let logger: Logger

    /// The engine's view of the case; with `lock`, the row stays locked until the
    /// transaction ends, so that two changes of one case never interleave.
    func snapshot(_ id: UUID, lock: Bool) async throws -> CaseSnapshot {
        try await row(id, lock: lock).snapshot
    }

    func record(_ id: UUID) async throws -> CaseRecord {
        let (snapshot, citizenRef, closedAt) = try await row(id, lock: false)
        return CaseRecord(snapshot: snapshot, citizenRef: citizenRef, closedAt: closedAt, history: try await history(id))
    }

    /// The engine's view of several cases, in three queries whatever their number (cases,
    /// open tasks, timers): the worker's batches. The caller holds their row locks; a case
    /// that is not found is absent from the result.
    func snapshots(_ ids: [UUID]) async throws -> [UUID: CaseSnapshot] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM cases WHERE id = ANY(\(ids))", logger: logger)
        var found: [(CaseSnapshot, String?, Date?)] = []
        for try await row in rows { found.append(try Self.decode(row)) }
        let tasks = try await openTasks(of: ids)
        let timers = try await timers(of: ids)
        var result: [UUID: CaseSnapshot] = [:]
        for (snapshot, _, _) in found {
            var snapshot = snapshot
            snapshot.tasks = tasks[snapshot.id] ?? []
            snapshot.timers = timers[snapshot.id] ?? []
            result[snapshot.id] = snapshot
        }
        return result
    }

    private static let columns = "id, workflow_id, workflow_version, data::text, status, outcome, state, tracks::text, waiting_on, version, citizen_ref, created_at, entered_state_at, last_event_at, closed_at"

    private func row(_ id: UUID, lock: Bool) async throws -> (snapshot: CaseSnapshot, citizenRef: String?, closedAt: Date?) {
        let query: PostgresQuery = lock
            ? "SELECT \(unescaped: Self.columns) FROM cases WHERE id = \(id) FOR NO KEY UPDATE"
            : "SELECT \(unescaped: Self.columns) FROM cases WHERE id = \(id)"
        // Take the row whole before the next query: one connection runs one query at a time.
        var found: PostgresRow?
        for try await row in try await connection.query(query, logger: logger) where found == nil { found = row }
        guard let row = found else { throw StoreError(.notFound, "no case \(id)") }
        var (snapshot, citizenRef, closedAt) = try Self.decode(row)
        snapshot.tasks = try await openTasks(of: [id])[id] ?? []
        snapshot.timers = try await timers(of: [id])[id] ?? []
        return (snapshot, citizenRef, closedAt)
    }

    /// A row of `columns`, without its tasks and timers.
    private static func decode(_ row: PostgresRow) throws -> (CaseSnapshot, String?, Date?) {
        let (caseID, workflowID, workflowVersion, data, status, outcome, state, tracks, waitingOn, version,
             citizenRef, createdAt, enteredAt, lastEventAt, closedAt) =
            try row.decode((UUID, String, Int, String, String, String?, String, String, String, Int, String?, Date, Date, Date, Date?).self)
        let snapshot = CaseSnapshot(
            id: caseID, workflowID: workflowID, workflowVersion: workflowVersion,
            data: try JSONValue(parsing: data),
            status: status == "closed" ? .closed(outcome: outcome ?? "") : .open,
            state: state, tracks: try CaseRows.parseTracks(tracks), waitingOn: waitingOn, version: version,
            tasks: [], timers: [],
            createdAt: createdAt, enteredStateAt: enteredAt, lastEventAt: lastEventAt)
        return (snapshot, citizenRef, closedAt)
    }

    /// The open tasks of each case, oldest first.
    private func openTasks(of ids: [UUID]) async throws -> [UUID: [CaseTask]] {
        let rows = try await connection.query("""
            SELECT case_id, id, queue, state, track, reason, context::text, assignee, sla_due_at, opened_at
            FROM tasks WHERE case_id = ANY(\(ids)) AND closed_at IS NULL ORDER BY case_id, opened_at, id
            """, logger: logger)
        var tasks: [UUID: [CaseTask]] = [:]
        for try await (caseID, taskID, queue, state, track, reason, context, assignee, due, opened)
            in rows.decode((UUID, UUID, String, String, String?, String?, String?, String?, Date?, Date).self) {
            let escalation = try reason.map { Escalation(reason: $0, context: try context.map { try JSONValue(parsing: $0) } ?? .object([:])) }
            tasks[caseID, default: []].append(CaseTask(id: taskID, queue: queue, state: state, track: track, escalation: escalation,
                                                       assignee: assignee, slaDueAt: due, openedAt: opened))
        }
        return tasks
    }

    /// The pending timers of each case, soonest first.
    private func timers(of ids: [UUID]) async throws -> [UUID: [CaseTimer]] {
        let rows = try await connection.query("""
            SELECT case_id, id, kind, state, track, after_index, task_id, due_at, attempt
            FROM timers WHERE case_id = ANY(\(ids)) ORDER BY case_id, due_at, id
            """, logger: logger)
        var timers: [UUID: [CaseTimer]] = [:]
        for try await (caseID, timerID, kind, state, track, afterIndex, taskID, due, attempt)
            in rows.decode((UUID, UUID, String, String, String?, Int?, UUID?, Date, Int).self) {
            guard let kind = TimerKind(rawValue: kind) else {
                throw StoreError(.unavailable, "timer \(timerID) has an unknown kind '\(kind)'")
            }
            timers[caseID, default: []].append(CaseTimer(id: timerID, kind: kind, state: state, track: track, afterIndex: afterIndex,
                                                         taskID: taskID, dueAt: due, attempt: attempt))
        }
        return timers
    }

    func history(_ id: UUID) async throws -> [HistoryRecord] {
        let rows = try await connection.query("""
            SELECT id, case_version, at, event, actor, from_state, to_state, track, name, data_diff::text,
                   reason, context::text, note, waiting_on
            FROM case_history WHERE case_id = \(id) ORDER BY id
            """, logger: logger)
        var records: [HistoryRecord] = []
        for try await (sequence, version, at, event, actor, from, to, track, name, diff, reason, context, note, waitingOn)
            in rows.decode((Int64, Int, Date, String, String, String?, String?, String?, String?, String?, String?, String?, String?, String).self) {
            let entry = HistoryEntry(
                event: event, actor: actor, fromState: from, toState: to, track: track, name: name,
                dataDiff: try diff.map { try JSONValue(parsing: $0) }, reason: reason,
                context: try context.map { try JSONValue(parsing: $0) }, note: note, waitingOn: waitingOn, at: at)
            records.append(HistoryRecord(sequence: sequence, caseVersion: version, entry: entry))
        }
        return records
    }
}
