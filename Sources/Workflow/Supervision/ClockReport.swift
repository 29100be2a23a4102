import Foundation
import PostgresNIO

/// "Which legal delays run out soon, and which cases did silence decide?": the running
/// clocks due before `until` (soonest first, counted by workflow), and the clocks that
/// expired since `from` whose expiry decides (`on_expiry: { to: … }`: silence vaut accord
/// or rejet), with the state the case was moved to. Ids, clocks, dates and states only: no
/// case data.
public struct ClockReport: Sendable {
    public struct Filter: Sendable {
        /// Running clocks due before this.
        public var until: Date
        /// Expired clocks since this.
        public var from: Date
        public var workflowID: String?
        public var limit = 500

        public init(until: Date, from: Date) {
            self.until = until
            self.from = from
        }
    }

    public struct Row: Sendable, Hashable {
        public var caseID: UUID
        public var workflowID: String
        public var workflowVersion: Int
        public var clock: String
        public var label: String
        /// The due date (running), or when it expired.
        public var at: Date
        /// Where the case stands now.
        public var state: String
        public var outcome: String?
        public var silence: String
    }

    public struct Result: Sendable {
        public var asOf: Date
        public var expiring: [Row]
        public var expiringByWorkflow: [String: Int]
        public var decidedBySilence: [Row]
    }

    let database: Database
    let catalog: WorkflowCatalog

    public init(_ database: Database, catalog: WorkflowCatalog) {
        self.database = database
        self.catalog = catalog
    }

    public func run(_ filter: Filter, scope: SupervisionScope) async throws -> Result {
        let asOf = try await SupervisionClock.resolve(nil, in: database)
        var result = Result(asOf: asOf, expiring: [], expiringByWorkflow: [:], decidedBySilence: [])
        guard !scope.isEmpty else { return result }
        let versions = scope.boundJSON
        let rows = try await database.client.query("""
            SELECT c.id, c.workflow_id, c.workflow_version, c.state, c.outcome, k->>'name', k->>'status',
                   coalesce(k->>'due_at', k->>'ended_at')::timestamptz
            FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.clocks) AS k
            WHERE c.clocks <> '[]'::jsonb
              AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
              AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
              AND ((k->>'status' = 'running' AND (k->>'due_at')::timestamptz < \(DatabaseTime.text(filter.until))::timestamptz)
                   OR (k->>'status' = 'expired' AND (k->>'ended_at')::timestamptz >= \(DatabaseTime.text(filter.from))::timestamptz))
            ORDER BY 8
            LIMIT \(max(1, min(filter.limit, 5000)))
            """, logger: database.logger)
        for try await (id, workflow, version, state, outcome, name, status, at)
            in rows.decode((UUID, String, Int, String, String?, String, String, Date).self) {
            let clock = try await catalog.definition(id: workflow, version: version).clock(name)
            let row = Row(caseID: id, workflowID: workflow, workflowVersion: version, clock: name, label: clock?.title ?? name,
                          at: at, state: state, outcome: outcome, silence: clock?.silence.rawValue ?? "none")
            if status == "running" {
                result.expiring.append(row)
                result.expiringByWorkflow[workflow, default: 0] += 1
            } else if clock?.onExpiry.state != nil {
                result.decidedBySilence.append(row)
            }
        }
        return result
    }
}
