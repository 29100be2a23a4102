import Foundation
import Logging
import PostgresNIO

/// The one writer of cases, tasks, timers, history, requests, the outbox and the access journal: it writes the
/// engine's changes of one or several cases inside the caller's transaction, in a single
/// statement whatever their number. A single change is a batch of one.
///
/// The statement is a chain of data-modifying CTEs, one per table, each fed by one bound
/// `jsonb` parameter expanded by `jsonb_to_recordset`: no value is ever spliced into SQL.
/// Timers may name tasks and tasks name their case: foreign keys are checked at the end of
/// the statement, when every row is there; the owner invariant is checked at commit.
///
/// The statement stands alone: a case whose version moved since it was read, or a task it
/// closes that was closed, claimed or released meanwhile, makes it fail as a whole (migration
/// 9's serialization failure), so it can run outside an explicit transaction and write all
/// or nothing.
struct CaseWriter {
    let connection: PostgresConnection
    let logger: Logger

    /// One change to write: a new case (`previousVersion` nil) or the next version of one.
    struct Entry {
        var change: CaseChange
        var previousVersion: Int?
        var citizenRef: String?
        /// The case's open tasks as the change read them: a task it closes must still be open
        /// and held by the same agent (nobody claimed or released it meanwhile).
        var tasksAsRead: [CaseTask] = []

        /// The version the case has once written.
        var newVersion: Int { (previousVersion ?? 0) + 1 }
    }

    /// A history line that comes with no change of the case's row (a task claimed or released).
    struct HistoryLine {
        var caseID: UUID
        var caseVersion: Int
        var entry: HistoryEntry
        /// Whose move it is when the line is written (the case does not change).
        var whoseMove: [String]
    }

    /// Writes every entry, the other history lines and the journal rows, or throws a conflict
    /// when a case's version moved since it was read (the caller's transaction then rolls
    /// everything back).
    func write(_ entries: [Entry], history lines: [HistoryLine] = [], journal: [AccessJournal.Row], now: Date) async throws {
        guard !entries.isEmpty || !lines.isEmpty || !journal.isEmpty else { return }
        let nowText = DatabaseTime.text(now)
        let cases = JSONValue.array(entries.map { Self.caseRow($0, closedAt: nowText) }).serialized()
        // Each task and timer row carries its case.
        func details<T>(_ pick: (CaseChange) -> [T], _ columns: (T) -> [String: JSONValue]) -> String {
            JSONValue.array(entries.flatMap { entry in
                pick(entry.change).map { item -> JSONValue in
                    var object = columns(item)
                    object["case_id"] = .string(entry.change.after.id.lowercasedString)
                    return .object(object)
                }
            }).serialized()
        }
        let closed = JSONValue.array(entries.flatMap { entry in
            entry.change.closedTasks.map { task -> JSONValue in
                let holder = entry.tasksAsRead.first { $0.id == task.id }?.assignee
                return .object(["id": .string(task.id.lowercasedString), "case_id": .string(entry.change.after.id.lowercasedString),
                                "resolution": .string(task.resolution), "assignee": holder.map(JSONValue.string) ?? .null])
            }
        }).serialized()
        let opened = details(\.openedTasks, CaseRows.task)
        let created = details(\.createdTimers, CaseRows.timer)
        // Every line of a change carries whose move it is after the change (the delays report
        // charges the time until the next line to each of those parties).
        var historyRows = entries.flatMap { entry in
            entry.change.history.map { (entry.change.after.id, entry.newVersion, $0, entry.change.whoseMove) }
        }
        historyRows += lines.map { ($0.caseID, $0.caseVersion, $0.entry, $0.whoseMove) }
        let history = JSONValue.array(historyRows.map { caseID, version, entry, whoseMove in
            var object = entry.jsonMembers(time: DatabaseTime.text)
            object["case_id"] = .string(caseID.lowercasedString)
            object["case_version"] = .number(JSONNumber(version))
            object["whose_move"] = .array(whoseMove.map(JSONValue.string))
            return .object(object)
        }).serialized()
        let journalRows = JSONValue.array(journal.map(\.json)).serialized()
        let removedTimers = JSONValue.array(entries.flatMap { entry in
            entry.change.removedTimers.map { JSONValue.object(["case_id": .string(entry.change.after.id.lowercasedString), "id": .string($0.lowercasedString)]) }
        }).serialized()
        let updatedCases = JSONValue.array(entries.filter { $0.previousVersion != nil }.map { .string($0.change.after.id.lowercasedString) }).serialized()
        let closedTaskIDs = JSONValue.array(entries.flatMap { $0.change.closedTasks.map { .string($0.id.lowercasedString) } }).serialized()
        // The outbox: each change's events, at the version the case gets, in the engine's order.
        let events = JSONValue.array(entries.flatMap { entry in
            entry.change.events.map { event -> JSONValue in
                .object(["id": .string(event.id.lowercasedString), "case_id": .string(event.caseID.lowercasedString),
                         "case_version": .number(JSONNumber(entry.newVersion)), "type": .string(event.kind.rawValue),
                         "workflow_id": .string(entry.change.after.workflowID),
                         "workflow_version": .number(JSONNumber(entry.change.after.workflowVersion)), "payload": event.payload])
            }
        }).serialized()
        let requests = details(\.requests, CaseRows.request)
        let statement = Statement(cases: cases, now: nowText, closedTasks: closed, openedTasks: opened,
                                  removedTimers: removedTimers, createdTimers: created,
                                  history: history, journal: journalRows,
                                  updatedCases: updatedCases, closedTaskIDs: closedTaskIDs, events: events, requests: requests)
        do {
            for try await _ in try await connection.execute(statement, logger: logger) {}
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40001" {
            throw StoreError(.conflict, entries.count == 1
                ? "case \(entries[0].change.after.id.lowercasedString) changed while this change was being written; read it again and retry"
                : "some of \(entries.count) cases changed while their changes were being written; read them again and retry")
        }
    }

    /// The case row of an entry, as `case_rows` reads it.
    private static func caseRow(_ entry: Entry, closedAt: String) -> JSONValue {
        let after = entry.change.after
        return .object([
            "id": .string(after.id.lowercasedString), "previous": entry.previousVersion.map { .number(JSONNumber($0)) } ?? .null,
            "workflow_id": .string(after.workflowID), "workflow_version": .number(JSONNumber(after.workflowVersion)),
            "data": after.data, "status": .string(after.status.isClosed ? "closed" : "open"),
            "outcome": after.status.outcome.map(JSONValue.string) ?? .null, "state": .string(after.state),
            "tracks": CaseRows.tracksValue(after.tracks), "waiting_on": .string(after.waitingOn),
            "whose_move": .array(entry.change.whoseMove.map(JSONValue.string)),
            "escalated": .bool(after.isEscalated), "referent": after.referent.map(JSONValue.string) ?? .null, "citizen_ref": entry.citizenRef.map(JSONValue.string) ?? .null,
            "created_at": DatabaseTime.json(after.createdAt), "entered_state_at": DatabaseTime.json(after.enteredStateAt),
            "last_event_at": DatabaseTime.json(after.lastEventAt),
            "closed_at": after.status.isClosed ? .string(closedAt) : .null,
            "clocks": .array(after.clocks.map(\.json)),
            "consents": CaseRows.consentsValue(after.consents),
        ])
    }

    /// The write, prepared once per connection: its plan is made once, not for every change
    /// (parsing and planning nine CTEs cost more than running them). Every parameter is a
    /// `jsonb` document, whose values the planner cannot look into: a plan made for the
    /// values at hand costs the same as the generic one, so PostgreSQL keeps the generic plan
    /// after its first five executions instead of planning each change again (an array
    /// parameter's length, which it can see, made every change's plan look cheaper).
    struct Statement: PostgresPreparedStatement {
        static let name = "parcours_case_write_v11"
        static let sql = """

            WITH case_rows AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb)
                    AS r(id uuid, previous integer, workflow_id text, workflow_version integer, data jsonb, status text,
                         outcome text, state text, tracks jsonb, waiting_on text, whose_move jsonb, escalated boolean, referent text, citizen_ref text,
                         created_at timestamptz, entered_state_at timestamptz, last_event_at timestamptz, closed_at timestamptz,
                         clocks jsonb, consents jsonb)
            ), inserted AS (
                INSERT INTO cases (id, workflow_id, workflow_version, data, status, outcome, state, tracks, waiting_on, whose_move,
                                   escalated, referent, version, citizen_ref, created_at, entered_state_at, last_event_at, closed_at, clocks,
                                   consents)
                SELECT id, workflow_id, workflow_version, data, status, outcome, state, tracks, waiting_on,
                       ARRAY(SELECT jsonb_array_elements_text(whose_move)),
                       escalated, referent, 1, citizen_ref, created_at, entered_state_at, last_event_at, closed_at, clocks,
                       consents
                FROM case_rows WHERE previous IS NULL
                RETURNING id
            ), updated AS (
                -- A case whose version moved since it was read is not updated: a conflict.
                -- workflow_version moves only when a case is migrated to another version.
                UPDATE cases SET workflow_version = r.workflow_version, data = r.data, status = r.status, outcome = r.outcome, state = r.state, tracks = r.tracks,
                                 waiting_on = r.waiting_on, escalated = r.escalated, referent = r.referent, version = cases.version + 1,
                                 whose_move = ARRAY(SELECT jsonb_array_elements_text(r.whose_move)),
                                 entered_state_at = r.entered_state_at, last_event_at = r.last_event_at, closed_at = r.closed_at,
                                 clocks = r.clocks, consents = r.consents
                FROM case_rows r
                -- The id list lets the planner reach each row by its key: it cannot tell how
                -- few rows jsonb_to_recordset yields, and would otherwise scan the table.
                WHERE cases.id = ANY(ARRAY(SELECT jsonb_array_elements_text($9::jsonb)::uuid))
                      AND r.previous IS NOT NULL AND cases.id = r.id AND cases.version = r.previous
                RETURNING cases.id
            ), closed_tasks AS (
                UPDATE tasks SET closed_at = $2::timestamptz, resolution = r.resolution
                FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, case_id uuid, resolution text, assignee text)
                WHERE tasks.id = ANY(ARRAY(SELECT jsonb_array_elements_text($10::jsonb)::uuid)) AND tasks.id = r.id AND tasks.case_id = r.case_id AND tasks.closed_at IS NULL
                      AND tasks.assignee IS NOT DISTINCT FROM r.assignee
                RETURNING tasks.id
            ), opened_tasks AS (
                INSERT INTO tasks (id, case_id, queue, state, track, kind, reason, context, assignee, sla_due_at, opened_at)
                SELECT t.id, t.case_id, t.queue, t.state, t.track, t.kind, t.reason, t.context, t.assignee, t.sla_due_at, t.opened_at
                FROM jsonb_to_recordset($4::jsonb)
                     AS t(id uuid, case_id uuid, queue text, state text, track text, kind text, reason text, context jsonb,
                          assignee text, sla_due_at timestamptz, opened_at timestamptz)
            ), removed_timers AS (
                -- By the timers' keys (ids are unique; the case is a guard), never a scan.
                DELETE FROM timers
                WHERE timers.id = ANY(ARRAY(SELECT (e->>'id')::uuid FROM jsonb_array_elements($5::jsonb) AS e))
                  AND timers.case_id = ANY(ARRAY(SELECT (e->>'case_id')::uuid FROM jsonb_array_elements($5::jsonb) AS e))
            ), created_timers AS (
                INSERT INTO timers (id, case_id, kind, state, track, after_index, task_id, attempt, due_at)
                SELECT t.id, t.case_id, t.kind, t.state, t.track, t.after_index, t.task_id, t.attempt, t.due_at
                FROM jsonb_to_recordset($6::jsonb)
                     AS t(id uuid, case_id uuid, kind text, state text, track text, after_index integer, task_id uuid,
                          attempt integer, due_at timestamptz)
            ), history AS (
                -- WITH ORDINALITY keeps each case's entries in the engine's order in the identity column.
                INSERT INTO case_history (case_id, case_version, at, event, actor, from_state, to_state, track, name,
                                          data_diff, reason, context, note, note_visible_to, waiting_on, whose_move)
                SELECT (e.value->>'case_id')::uuid, (e.value->>'case_version')::integer, (e.value->>'at')::timestamptz,
                       e.value->>'event', e.value->>'actor', e.value->>'from_state', e.value->>'to_state', e.value->>'track',
                       e.value->>'name', nullif(e.value->'data_diff', 'null'::jsonb), e.value->>'reason',
                       nullif(e.value->'context', 'null'::jsonb), e.value->>'note',
                       CASE WHEN jsonb_typeof(e.value->'note_visible_to') = 'array'
                            THEN ARRAY(SELECT jsonb_array_elements_text(e.value->'note_visible_to')) END,
                       e.value->>'waiting_on', ARRAY(SELECT jsonb_array_elements_text(e.value->'whose_move'))
                FROM jsonb_array_elements($7::jsonb) WITH ORDINALITY AS e(value, n)
                ORDER BY e.n
            ), journal AS (
                INSERT INTO access_journal (case_id, actor, agency, kind, via, fields, sources)
                SELECT (e.value->>'case_id')::uuid, e.value->>'actor', e.value->>'agency', e.value->>'kind', e.value->>'via',
                       ARRAY(SELECT jsonb_array_elements_text(e.value->'fields')), coalesce(e.value->'sources', '[]'::jsonb)
                FROM jsonb_array_elements($8::jsonb) WITH ORDINALITY AS e(value, n)
                ORDER BY e.n
            ), events AS (
                -- The outbox: the identity column keeps the engine's order.
                INSERT INTO case_events (id, case_id, case_version, type, at, workflow_id, workflow_version, payload)
                SELECT (e.value->>'id')::uuid, (e.value->>'case_id')::uuid, (e.value->>'case_version')::integer,
                       e.value->>'type', $2::timestamptz, e.value->>'workflow_id', (e.value->>'workflow_version')::integer,
                       e.value->'payload'
                FROM jsonb_array_elements($11::jsonb) WITH ORDINALITY AS e(value, n)
                ORDER BY e.n
            ), requests AS (
                -- Requests opened, answered or stopped by the change: a request's row follows it.
                INSERT INTO case_requests (id, case_id, request, agency, field, state, track, status, opened_at, due_at,
                                           closed_at, versions, reason, asked_citizen, answer_digest)
                SELECT r.id, r.case_id, r.request, r.agency, r.field, r.state, r.track, r.status, r.opened_at, r.due_at,
                       r.closed_at, r.versions, r.reason, r.asked_citizen, r.answer_digest
                FROM jsonb_to_recordset($12::jsonb)
                     AS r(id uuid, case_id uuid, request text, agency text, field text, state text, track text, status text,
                          opened_at timestamptz, due_at timestamptz, closed_at timestamptz, versions integer, reason text,
                          asked_citizen boolean, answer_digest text)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, opened_at = excluded.opened_at, due_at = excluded.due_at,
                                               closed_at = excluded.closed_at, versions = excluded.versions,
                                               reason = excluded.reason, asked_citizen = excluded.asked_citizen,
                                               answer_digest = excluded.answer_digest
                WHERE case_requests.case_id = excluded.case_id
            )
            -- Every case written and every task closed as read, or the whole statement fails.
            -- A case's events must also follow its earlier ones in the feed's order: a
            -- transaction older than the one that wrote the case's last event (a worker batch
            -- that waited on the case's lock) fails, to be judged again in a new one.
            SELECT CASE WHEN (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated) = (SELECT count(*) FROM case_rows)
                             AND (SELECT count(*) FROM closed_tasks) = jsonb_array_length($10::jsonb)
                             AND NOT EXISTS (SELECT 1 FROM case_events o
                                             WHERE o.case_id IN (SELECT id FROM updated) AND o.xact > pg_current_xact_id())
                        THEN (SELECT count(*) FROM case_rows)
                        ELSE parcours_write_conflict('a case changed while its change was being written') END
            """
        typealias Row = Int

        var cases: String
        var now: String
        var closedTasks: String
        var openedTasks: String
        var removedTimers: String
        var createdTimers: String
        var history: String
        var journal: String
        var updatedCases: String
        var closedTaskIDs: String
        var events: String
        var requests: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 12)
            bindings.append(cases)
            bindings.append(now)
            bindings.append(closedTasks)
            bindings.append(openedTasks)
            bindings.append(removedTimers)
            bindings.append(createdTimers)
            bindings.append(history)
            bindings.append(journal)
            bindings.append(updatedCases)
            bindings.append(closedTaskIDs)
            bindings.append(events)
            bindings.append(requests)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
    }
}
