import Foundation
import PostgresNIO

/// "Which cases are stuck, and whose move is it?": the open cases, oldest in their current
/// state first, with the time since the last event, whose move it is, whether a deadline
/// has passed and whether the case is escalated, with the reasons and queues of its open
/// tasks. Case data is never read: a row carries ids, names and times only.
///
/// **SLA breached** means any of: an open task (ordinary or escalation) whose `sla_due_at`
/// has passed; a pending `sla`, `queue-sla` or `escalation-sla` timer already past due (the
/// worker has not fired it yet); a request to another administration still awaited past its
/// due date (`case_requests`, a late one whose timer fired included); an open escalation raised for `sla-breached` or
/// `deadline-expired` (the breach happened and the timer that saw it is gone).
///
/// Pages are by keyset on (time entered in the state, case id), so that a page costs the
/// same at the millionth case as at the first and a case is neither skipped nor repeated
/// when others move meanwhile (a case that changes state moves to the end of the order).
public struct StuckReport: Sendable {
    /// Every filter is optional.
    public struct Filter: Sendable {
        public var workflowID: String?
        public var state: String?
        /// A party whose move it is (`usager`, an agency id, or `engine`): the cases where it
        /// is one of the parties holding the case, its open tracks' and escalations' included.
        public var waitingOn: String?
        public var escalated: Bool?
        public var breached: Bool?
        /// At least this long in the current state.
        public var minAge: WorkflowDuration?
        /// At least this long without any event.
        public var minIdle: WorkflowDuration?
        /// Continue after this row of the previous page.
        public var after: Cursor?
        public var limit = 50
        /// The moment ages are measured at (default: the database's now). It is not a
        /// reconstruction of the past: the cases are as they stand.
        public var asOf: Date?

        public init() {}
    }

    /// Where a page ends: the last row's time entered in the state and its case id.
    public struct Cursor: Sendable, Hashable {
        public var enteredStateAt: Date
        public var caseID: UUID

        public init(enteredStateAt: Date, caseID: UUID) {
            self.enteredStateAt = enteredStateAt
            self.caseID = caseID
        }
    }

    /// One open case, as supervision sees it.
    public struct Row: Sendable, Hashable {
        public var caseID: UUID
        public var workflowID: String
        public var workflowVersion: Int
        public var state: String
        /// Whose move it is: every party holding the case (`CaseSnapshot.whoseMove`).
        public var whoseMove: [String]
        public var escalated: Bool
        public var breached: Bool
        public var enteredStateAt: Date
        public var lastEventAt: Date
        /// The earliest deadline among open tasks and pending SLA timers.
        public var deadline: Date?
        /// The reasons of the open escalations, sorted.
        public var escalationReasons: [String]
        /// The queues of the open tasks, sorted.
        public var queues: [String]
        /// Seconds in the current state, and since the last event, at `asOf`.
        public var secondsInState: Double
        public var secondsSinceLastEvent: Double

        public var cursor: Cursor { Cursor(enteredStateAt: enteredStateAt, caseID: caseID) }
    }

    /// A page of rows, and the cursor of the next page when there may be one.
    public struct Page: Sendable {
        public var asOf: Date
        public var rows: [Row]
        public var next: Cursor?
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    public func run(_ filter: Filter, scope: SupervisionScope) async throws -> Page {
        let asOf = try await SupervisionClock.resolve(filter.asOf, in: database)
        guard !scope.isEmpty else { return Page(asOf: asOf, rows: [], next: nil) }
        let limit = max(1, min(filter.limit, 500))
        let enteredBefore = try filter.minAge.map { try DatabaseTime.text($0.subtracted(from: asOf)) }
        let idleBefore = try filter.minIdle.map { try DatabaseTime.text($0.subtracted(from: asOf)) }
        let afterTime = filter.after.map { DatabaseTime.text($0.enteredStateAt) }
        let afterID = filter.after?.caseID
        let now = DatabaseTime.text(asOf)
        let versions = scope.boundJSON
        // The outer query filters on what the lateral joins compute (breached); the inner one
        // walks an index on (entered_state_at) of open cases — or the parties' (whose_move)
        // or (workflow_id, state, entered_state_at) when filtered — and stops at the page.
        let rows = try await database.client.query("""
            SELECT s.* FROM (
                SELECT c.id, c.workflow_id, c.workflow_version, c.state, c.whose_move, c.escalated,
                       c.entered_state_at, c.last_event_at,
                       coalesce(t.due <= \(now)::timestamptz, false) OR coalesce(m.due <= \(now)::timestamptz, false)
                           OR coalesce(q.due <= \(now)::timestamptz, false) OR coalesce(t.breach_raised, false) AS breached,
                       least(t.due, m.due, q.due) AS deadline,
                       coalesce(t.reasons, '{}'::text[]) AS reasons, coalesce(t.queues, '{}'::text[]) AS queues,
                       extract(epoch FROM \(now)::timestamptz - c.entered_state_at)::float8 AS in_state,
                       extract(epoch FROM \(now)::timestamptz - c.last_event_at)::float8 AS idle
                FROM cases c
                LEFT JOIN LATERAL (
                    SELECT array_agg(DISTINCT o.reason ORDER BY o.reason) FILTER (WHERE o.kind = 'escalation') AS reasons,
                           array_agg(DISTINCT o.queue ORDER BY o.queue) AS queues,
                           min(o.sla_due_at) AS due,
                           bool_or(o.kind = 'escalation' AND o.reason IN ('sla-breached', 'deadline-expired')) AS breach_raised
                    FROM tasks o WHERE o.case_id = c.id AND o.closed_at IS NULL
                ) t ON true
                LEFT JOIN LATERAL (
                    SELECT min(p.due_at) AS due FROM timers p
                    WHERE p.case_id = c.id AND p.kind IN ('sla', 'queue-sla', 'escalation-sla', 'request')
                ) m ON true
                LEFT JOIN LATERAL (
                    -- A request still awaited, late ones included (their timer has fired).
                    SELECT min(r.due_at) AS due FROM case_requests r WHERE r.case_id = c.id AND r.status = 'sent'
                ) q ON true
                WHERE c.status = 'open'
                  AND (\(versions)::jsonb IS NULL OR EXISTS (
                        SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                  AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
                  AND (\(filter.state)::text IS NULL OR c.state = \(filter.state))
                  AND (\(filter.waitingOn)::text IS NULL OR c.whose_move @> ARRAY[\(filter.waitingOn)]::text[])
                  AND (\(filter.escalated)::boolean IS NULL OR c.escalated = \(filter.escalated))
                  AND (\(enteredBefore)::timestamptz IS NULL OR c.entered_state_at <= \(enteredBefore)::timestamptz)
                  AND (\(idleBefore)::timestamptz IS NULL OR c.last_event_at <= \(idleBefore)::timestamptz)
                  AND (\(afterTime)::timestamptz IS NULL
                       OR (c.entered_state_at, c.id) > (\(afterTime)::timestamptz, \(afterID)::uuid))
            ) s
            WHERE (\(filter.breached)::boolean IS NULL OR s.breached = \(filter.breached))
            ORDER BY s.entered_state_at, s.id
            LIMIT \(limit)
            """, logger: database.logger)
        var result: [Row] = []
        for try await (id, workflowID, version, state, whoseMove, escalated, entered, lastEvent, breached, deadline, reasons, queues, inState, idle)
            in rows.decode((UUID, String, Int, String, [String], Bool, Date, Date, Bool, Date?, [String], [String], Double, Double).self) {
            result.append(Row(caseID: id, workflowID: workflowID, workflowVersion: version, state: state, whoseMove: whoseMove,
                              escalated: escalated, breached: breached, enteredStateAt: entered, lastEventAt: lastEvent,
                              deadline: deadline, escalationReasons: reasons, queues: queues,
                              secondsInState: inState, secondsSinceLastEvent: idle))
        }
        return Page(asOf: asOf, rows: result, next: result.count == limit ? result.last?.cursor : nil)
    }
}
