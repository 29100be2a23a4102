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
        // Two lists, each with its own limit (one shared limit let the past expiries crowd
        // out the clocks falling due), and the counts by workflow from a query of their own.
        result.expiring = try await rows(expired: false, filter: filter, versions: versions)
        let expired = try await rows(expired: true, filter: filter, versions: versions)
        for row in expired {
            // Only expiries that decide (`on_expiry: { to: … }`); an escalation is not a decision.
            if try await catalog.definition(id: row.workflowID, version: row.workflowVersion).clock(row.clock)?.onExpiry.state != nil {
                result.decidedBySilence.append(row)
            }
        }
        let counts = try await database.client.query("""
            SELECT c.workflow_id, count(*)::int
            FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.clocks) AS k
            WHERE c.clocks <> '[]'::jsonb
              AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
              AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
              AND k->>'status' = 'running' AND (k->>'due_at')::timestamptz < \(DatabaseTime.text(filter.until))::timestamptz
            GROUP BY 1
            """, logger: database.logger)
        for try await (workflow, count) in counts.decode((String, Int).self) { result.expiringByWorkflow[workflow] = count }
        return result
    }

    /// The running clocks due before `until`, soonest first; or the clocks expired since
    /// `from`, latest first.
    private func rows(expired: Bool, filter: Filter, versions: String?) async throws -> [Row] {
        let status = expired ? "expired" : "running"
        let until = DatabaseTime.text(filter.until), from = DatabaseTime.text(filter.from)
        let limit = max(1, min(filter.limit, 5000))
        let rows = try await database.client.query("""
            SELECT c.id, c.workflow_id, c.workflow_version, c.state, c.outcome, k->>'name',
                   (CASE WHEN \(expired) THEN k->>'ended_at' ELSE k->>'due_at' END)::timestamptz AS at
            FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.clocks) AS k
            WHERE c.clocks <> '[]'::jsonb AND k->>'status' = \(status)
              AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
              AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
              AND (CASE WHEN \(expired) THEN (k->>'ended_at')::timestamptz >= \(from)::timestamptz
                        ELSE (k->>'due_at')::timestamptz < \(until)::timestamptz END)
            ORDER BY CASE WHEN \(expired) THEN 0 ELSE extract(epoch FROM (k->>'due_at')::timestamptz) END,
                     CASE WHEN \(expired) THEN -extract(epoch FROM (k->>'ended_at')::timestamptz) ELSE 0 END
            LIMIT \(limit)
            """, logger: database.logger)
        var result: [Row] = []
        for try await (id, workflow, version, state, outcome, name, at) in rows.decode((UUID, String, Int, String, String?, String, Date).self) {
            let clock = try await catalog.definition(id: workflow, version: version).clock(name)
            result.append(Row(caseID: id, workflowID: workflow, workflowVersion: version, clock: name, label: clock?.title ?? name,
                              at: at, state: state, outcome: outcome, silence: clock?.silence.rawValue ?? "none"))
        }
        return result
    }
}
