import Foundation
import PostgresNIO

extension CaseStore {
    /// The open cases with a part waiting on `party` (an open track of its, or its state when
    /// no track is open; `cases.whose_move` is indexed), of the workflow versions `scope`
    /// covers, longest in their state first: their snapshots with open tasks and pending
    /// timers, in three statements whatever their number. A case held by `party` only through
    /// an escalation is not one (its queue's task is in the inbox).
    public func waiting(on party: String, scope: SupervisionScope, limit: Int) async throws -> [CaseSnapshot] {
        guard !scope.isEmpty else { return [] }
        let versions = scope.boundJSON
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT c.id FROM cases c
                WHERE c.status = 'open' AND c.whose_move @> ARRAY[\(party)]::text[]
                  AND (c.tracks @> jsonb_build_array(jsonb_build_object('finished', false, 'waiting_on', \(party)::text))
                       OR (c.waiting_on = \(party) AND NOT c.tracks @> '[{"finished": false}]'::jsonb))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                ORDER BY c.entered_state_at, c.id
                LIMIT \(max(1, min(limit, 1000)))
                """, logger: database.logger)
            var ids: [UUID] = []
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            let snapshots = try await CaseReader(connection: connection, logger: database.logger).snapshots(ids)
            return ids.compactMap { snapshots[$0] }
        }
    }
}
