import Foundation
import PostgresNIO

extension CaseStore {
    /// The open cases one of whose parties is `party` (`cases.whose_move`, indexed), of the
    /// workflow versions `scope` names, longest in their state first: their snapshots with
    /// open tasks and pending timers, in three statements whatever their number.
    public func waiting(on party: String, scope: [(workflowID: String, version: Int)], limit: Int) async throws -> [CaseSnapshot] {
        guard !scope.isEmpty else { return [] }
        let versions = JSONValue.array(scope.map { .object(["w": .string($0.workflowID), "v": .number(JSONNumber($0.version))]) }).serialized()
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT c.id FROM cases c
                WHERE c.status = 'open' AND \(party) = ANY(c.whose_move)
                  AND EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                              WHERE a.w = c.workflow_id AND a.v = c.workflow_version)
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
