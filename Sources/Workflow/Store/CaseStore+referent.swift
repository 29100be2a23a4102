import Foundation
import PostgresNIO

extension CaseStore {
    /// The open cases whose referent is `agent`, of the workflow versions `scope` covers, the
    /// longest open first: their snapshots with open tasks and pending timers, in three
    /// statements whatever their number (`cases_open_by_referent` finds them).
    public func referred(to agent: String, scope: SupervisionScope, limit: Int) async throws -> [CaseSnapshot] {
        guard !scope.isEmpty else { return [] }
        let versions = scope.boundJSON
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT c.id FROM cases c
                WHERE c.status = 'open' AND c.referent = \(agent)
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                ORDER BY c.created_at, c.id
                LIMIT \(max(1, min(limit, 1000)))
                """, logger: database.logger)
            var ids: [UUID] = []
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            let snapshots = try await CaseReader(connection: connection, logger: database.logger).snapshots(ids)
            return ids.compactMap { snapshots[$0] }
        }
    }
}

/// "Who answers for our cases?": the open cases without a referent by workflow and age, and
/// how many open cases each referent answers for (supervision, language brief "A referent for
/// each case"). Counts only, of the versions the scope covers: it names no person and no data.
public struct ReferentReport: Sendable {
    /// Open cases of one workflow with no referent.
    public struct Unassigned: Sendable, Hashable {
        public var workflowID: String
        public var count: Int
        /// By age since the case was opened: under 7 days, 7 to 30 days, over 30 days.
        public var underAWeek: Int
        public var weekToMonth: Int
        public var overAMonth: Int
        /// When the oldest of them was opened.
        public var oldestCreatedAt: Date?
    }

    /// How many open cases one agent answers for.
    public struct Load: Sendable, Hashable {
        public var agent: String
        public var agency: String?
        public var open: Int
        /// Of those, how many have an open escalation.
        public var escalated: Int
    }

    public var unassigned: [Unassigned]
    public var load: [Load]

    public static func make(_ database: Database, scope: SupervisionScope) async throws -> ReferentReport {
        guard !scope.isEmpty else { return ReferentReport(unassigned: [], load: []) }
        let versions = scope.boundJSON
        return try await database.withConnection { connection in
            var unassigned: [Unassigned] = []
            let rows = try await connection.query("""
                SELECT c.workflow_id, count(*)::integer,
                       count(*) FILTER (WHERE c.created_at > now() - interval '7 days')::integer,
                       count(*) FILTER (WHERE c.created_at <= now() - interval '7 days' AND c.created_at > now() - interval '30 days')::integer,
                       count(*) FILTER (WHERE c.created_at <= now() - interval '30 days')::integer,
                       min(c.created_at)
                FROM cases c
                -- A referent revoked or expired answers for nothing: their cases count as without one.
                WHERE c.status = 'open'
                  AND (c.referent IS NULL OR EXISTS (SELECT 1 FROM agents a WHERE a.id = c.referent
                                                     AND (a.revoked_at IS NOT NULL OR a.expires_at <= now())))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                GROUP BY c.workflow_id ORDER BY c.workflow_id
                """, logger: database.logger)
            for try await (workflow, count, week, month, older, oldest) in rows.decode((String, Int, Int, Int, Int, Date?).self) {
                unassigned.append(Unassigned(workflowID: workflow, count: count, underAWeek: week, weekToMonth: month,
                                             overAMonth: older, oldestCreatedAt: oldest))
            }
            var load: [Load] = []
            let loads = try await connection.query("""
                SELECT c.referent, (SELECT a.agency FROM agents a WHERE a.id = c.referent), count(*)::integer,
                       count(*) FILTER (WHERE c.escalated)::integer
                FROM cases c
                WHERE c.status = 'open' AND c.referent IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = c.referent AND (a.revoked_at IS NOT NULL OR a.expires_at <= now()))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                GROUP BY c.referent ORDER BY count(*) DESC, c.referent
                """, logger: database.logger)
            for try await (agent, agency, open, escalated) in loads.decode((String, String?, Int, Int).self) {
                load.append(Load(agent: agent, agency: agency, open: open, escalated: escalated))
            }
            return ReferentReport(unassigned: unassigned, load: load)
        }
    }
}
