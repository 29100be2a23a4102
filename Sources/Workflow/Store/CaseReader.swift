import Foundation
import Logging
import PostgresNIO

/// Reads a case, its open tasks, pending timers and history on one connection.
struct CaseReader {
    let connection: PostgresConnection
    let logger: Logger

    /// The engine's view of the case, as it stands.
    func snapshot(_ id: UUID) async throws -> CaseSnapshot {
        try await current(id).record.snapshot
    }

    func record(_ id: UUID, history withHistory: Bool = true) async throws -> CaseRecord {
        var (record, _) = try await current(id)
        if withHistory { record.history = try await history(id) }
        return record
    }

    /// The engine's view of several cases, in three queries whatever their number (cases,
    /// open tasks, timers): the worker's batches. The caller holds their row locks; a case
    /// that is not found is absent from the result.
    func snapshots(_ ids: [UUID]) async throws -> [UUID: CaseSnapshot] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM cases c WHERE id = ANY(\(ids))", logger: logger)
        var found: [(CaseSnapshot, String?, Date?, String?)] = []
        for try await row in rows { found.append(try Self.decode(row)) }
        let (tasks, timers, requests, _) = try await details(of: ids)
        var result: [UUID: CaseSnapshot] = [:]
        for (snapshot, _, _, _) in found {
            var snapshot = snapshot
            snapshot.tasks = tasks[snapshot.id] ?? []
            snapshot.timers = timers[snapshot.id] ?? []
            snapshot.requests = requests[snapshot.id] ?? []
            result[snapshot.id] = snapshot
        }
        return result
    }

    /// A case as it stands with the database's clock, for a change (which its write's version
    /// check guards): the row, its open tasks and pending timers in one statement.
    func current(_ id: UUID) async throws -> (record: CaseRecord, now: Date) {
        var found: Whole.Row?
        for try await row in try await connection.execute(Whole(id: id), logger: logger) where found == nil { found = row }
        guard let (row, tasks, timers, refs, requests, now) = found else { throw StoreError(.notFound, "no case \(id)") }
        var (snapshot, citizenRef, closedAt, referentAgency) = try Self.decode(row)
        snapshot.tasks = try CaseRows.parseTasks(tasks)
        snapshot.timers = try CaseRows.parseTimers(timers)
        snapshot.requests = try CaseRows.parseRequests(requests)
        let externalRefs = (try JSONValue(parsing: refs).objectValue ?? [:]).compactMapValues(\.stringValue)
        var record = CaseRecord(snapshot: snapshot, citizenRef: citizenRef, closedAt: closedAt, history: [], externalRefs: externalRefs)
        record.referentAgency = referentAgency
        return (record, now)
    }

    /// A `case_requests` row `r` with the keys of `CaseRows.request`.
    static let requestObject = """
        jsonb_build_object('id', r.id, 'request', r.request, 'agency', r.agency, 'field', r.field, 'state', r.state,
                           'track', r.track, 'status', r.status, 'opened_at', r.opened_at, 'due_at', r.due_at,
                           'closed_at', r.closed_at, 'versions', r.versions, 'reason', r.reason, 'asked_citizen', r.asked_citizen,
                           'answer_digest', r.answer_digest)
        """

    static let columns = "id, workflow_id, workflow_version, data::text, status, outcome, state, tracks::text, waiting_on, version, citizen_ref, created_at, entered_state_at, last_event_at, closed_at, referent, (SELECT a.agency FROM agents a WHERE a.id = c.referent), clocks::text, consents::text"

    /// A row of `columns` (the first columns of the row), without its tasks and timers.
    private static func decode(_ row: PostgresRow) throws -> (CaseSnapshot, String?, Date?, String?) {
        let (caseID, workflowID, workflowVersion, data, status, outcome, state, tracks, waitingOn, version,
             citizenRef, createdAt, enteredAt, lastEventAt, closedAt, referent, referentAgency, clocks, consents) =
            try row.decode((UUID, String, Int, String, String, String?, String, String, String, Int, String?, Date, Date, Date, Date?,
                            String?, String?, String, String).self)
        var snapshot = CaseSnapshot(
            id: caseID, workflowID: workflowID, workflowVersion: workflowVersion,
            data: try JSONValue(parsing: data),
            status: status == "closed" ? .closed(outcome: outcome ?? "") : .open,
            state: state, tracks: try CaseRows.parseTracks(tracks), waitingOn: waitingOn, version: version,
            tasks: [], timers: [],
            createdAt: createdAt, enteredStateAt: enteredAt, lastEventAt: lastEventAt, referent: referent,
            clocks: try CaseRows.parseClocks(clocks))
        snapshot.consents = try CaseRows.parseConsents(consents)
        return (snapshot, citizenRef, closedAt, referentAgency)
    }

    /// The open tasks of each case (oldest first), its pending timers (soonest first) and the
    /// database's clock, in one statement: one row per task or timer, told apart by `kind`,
    /// and a last row for the clock.
    private func details(of ids: [UUID]) async throws
        -> (tasks: [UUID: [CaseTask]], timers: [UUID: [CaseTimer]], requests: [UUID: [RequestRun]], now: Date) {
        let rows = try await connection.execute(Details(ids: ids), logger: logger)
        var requests: [UUID: [RequestRun]] = [:]
        var tasks: [UUID: [CaseTask]] = [:]
        var timers: [UUID: [CaseTimer]] = [:]
        var now: Date?
        for try await (part, caseID, id, name, state, track, reason, context, assignee, due, since, afterIndex, taskID, attempt)
            in rows {
            switch part {
            case 1:
                guard let caseID, let id, let name, let state, let since else { continue }
                let (escalation, request) = CaseTask.columns(reason: reason, context: try context.map { try JSONValue(parsing: $0) })
                tasks[caseID, default: []].append(CaseTask(id: id, queue: name, state: state, track: track, escalation: escalation,
                                                           request: request, assignee: assignee, slaDueAt: due, openedAt: since))
            case 2:
                guard let caseID, let id, let name, let state, let due, let attempt else { continue }
                guard let kind = TimerKind(rawValue: name) else {
                    throw StoreError(.unavailable, "timer \(id) has an unknown kind '\(name)'")
                }
                timers[caseID, default: []].append(CaseTimer(id: id, kind: kind, state: state, track: track, afterIndex: afterIndex,
                                                             taskID: taskID, dueAt: due, attempt: attempt))
            case 4:
                guard let caseID, let context else { continue }
                requests[caseID, default: []] += try CaseRows.parseRequests("[\(context)]")
            default:
                now = due
            }
        }
        guard let now else { throw StoreError(.unavailable, "the database did not answer with its clock") }
        return (tasks, timers, requests, now)
    }

    func history(_ id: UUID) async throws -> [HistoryRecord] {
        let rows = try await connection.query("""
            SELECT id, case_version, at, event, actor, from_state, to_state, track, name, data_diff::text,
                   reason, context::text, note, note_visible_to, waiting_on
            FROM case_history WHERE case_id = \(id) ORDER BY id
            """, logger: logger)
        var records: [HistoryRecord] = []
        for try await (sequence, version, at, event, actor, from, to, track, name, diff, reason, context, note, noteVisibleTo, waitingOn)
            in rows.decode((Int64, Int, Date, String, String, String?, String?, String?, String?, String?, String?, String?, String?,
                            [String]?, String).self) {
            let entry = HistoryEntry(
                event: event, actor: actor, fromState: from, toState: to, track: track, name: name,
                dataDiff: try diff.map { try JSONValue(parsing: $0) }, reason: reason,
                context: try context.map { try JSONValue(parsing: $0) }, note: note, noteVisibleTo: noteVisibleTo,
                waitingOn: waitingOn, at: at)
            records.append(HistoryRecord(sequence: sequence, caseVersion: version, entry: entry))
        }
        return records
    }

    /// A case's row, its open tasks (oldest first) and pending timers (soonest first) as JSON
    /// arrays with the keys of `CaseRows.task` and `CaseRows.timer`, its agencies' own
    /// references (an object by agency), and the database's clock:
    /// one round trip, prepared once per connection (every change and read starts with it).
    struct Whole: PostgresPreparedStatement {
        static let name = "parcours_case_whole_v5"
        static let sql = """

            SELECT \(CaseReader.columns),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'id', t.id, 'queue', t.queue, 'state', t.state, 'track', t.track, 'reason', t.reason,
                               'context', t.context, 'assignee', t.assignee, 'sla_due_at', t.sla_due_at, 'opened_at', t.opened_at)
                           ORDER BY t.opened_at, t.id), '[]')::text
                    FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL),
                   (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'id', m.id, 'kind', m.kind, 'state', m.state, 'track', m.track, 'after_index', m.after_index,
                               'task_id', m.task_id, 'attempt', m.attempt, 'due_at', m.due_at)
                           ORDER BY m.due_at, m.id), '[]')::text
                    FROM timers m WHERE m.case_id = c.id),
                   (SELECT coalesce(jsonb_object_agg(x.agency, x.ref), '{}')::text FROM case_external_refs x WHERE x.case_id = c.id),
                   (SELECT coalesce(jsonb_agg(\(CaseReader.requestObject) ORDER BY r.opened_at, r.id), '[]')::text
                    FROM case_requests r WHERE r.case_id = c.id),
                   clock_timestamp()
            FROM cases c WHERE c.id = $1
            """
        typealias Row = (case: PostgresRow, tasks: String, timers: String, externalRefs: String, requests: String, now: Date)
        var id: UUID

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(id)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let columns = row.makeRandomAccess()
            let count = columns.count
            return (row, try columns[count - 5].decode(String.self), try columns[count - 4].decode(String.self),
                    try columns[count - 3].decode(String.self), try columns[count - 2].decode(String.self),
                    try columns[count - 1].decode(Date.self))
        }
    }

    /// Open tasks, pending timers and the clock (`details(of:)`), prepared once per connection.
    struct Details: PostgresPreparedStatement {
        static let name = "parcours_case_details_v2"
        static let sql = """

            SELECT * FROM (
                SELECT 1 AS part, case_id, id, queue AS name, state, track, reason, context::text, assignee,
                       sla_due_at AS due, opened_at AS since, NULL::integer AS after_index, NULL::uuid AS task_id,
                       NULL::integer AS attempt
                FROM tasks WHERE case_id = ANY($1) AND closed_at IS NULL
                UNION ALL
                SELECT 2, case_id, id, kind, state, track, NULL, NULL, NULL, due_at, NULL, after_index, task_id, attempt
                FROM timers WHERE case_id = ANY($1)
                UNION ALL
                SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, clock_timestamp(), NULL, NULL, NULL, NULL
                UNION ALL
                SELECT 4, r.case_id, r.id, NULL, NULL, NULL, NULL, (\(CaseReader.requestObject))::text, NULL, NULL, r.opened_at,
                       NULL, NULL, NULL
                FROM case_requests r WHERE r.case_id = ANY($1)
            ) AS parts
            ORDER BY part, case_id, coalesce(since, due), id
            """
        typealias Row = (Int, UUID?, UUID?, String?, String?, String?, String?, String?, String?, Date?, Date?, Int?, UUID?, Int?)
        var ids: [UUID]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(ids)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }
}
