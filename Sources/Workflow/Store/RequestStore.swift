import Foundation
import PostgresNIO

/// Reads of the requests to other administrations (`case_requests`, migration 24); they are
/// written only by `CaseWriter`, with the change that opens or answers them.
struct RequestStore {
    let database: Database

    /// One open request as its answering agency lists it.
    struct Open: Sendable {
        var id: UUID
        var caseID: UUID
        var workflowID: String
        var workflowVersion: Int
        var request: String
        var openedAt: Date
        var dueAt: Date?
    }

    /// The requests waiting for `agency`'s answer on cases of the versions in `scope` (the
    /// caller's to know), oldest first; only `id` when it is given.
    func open(agency: String, scope: SupervisionScope, id: UUID? = nil, limit: Int) async throws -> [Open] {
        guard !scope.isEmpty else { return [] }
        let versions = scope.boundJSON
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT r.id, r.case_id, c.workflow_id, c.workflow_version, r.request, r.opened_at, r.due_at
                FROM case_requests r JOIN cases c ON c.id = r.case_id
                WHERE r.agency = \(agency) AND r.status = 'sent' AND (\(id)::uuid IS NULL OR r.id = \(id))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
                ORDER BY r.opened_at, r.id
                LIMIT \(limit)
                """, logger: database.logger)
            var result: [Open] = []
            for try await (id, caseID, workflowID, version, request, openedAt, dueAt)
                in rows.decode((UUID, UUID, String, Int, String, Date, Date?).self) {
                result.append(Open(id: id, caseID: caseID, workflowID: workflowID, workflowVersion: version, request: request,
                                   openedAt: openedAt, dueAt: dueAt))
            }
            return result
        }
    }

    /// The answers received for these cases (the requests answered at least once).
    func received(cases ids: [UUID]) async throws -> [UUID: [AccessJournal.Source.Received]] {
        try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT case_id, request, agency, field, answer_digest FROM case_requests WHERE case_id = ANY(\(ids)) AND versions > 0
                """, logger: database.logger)
            var result: [UUID: [AccessJournal.Source.Received]] = [:]
            for try await (caseID, request, agency, field, digest) in rows.decode((UUID, String, String, String, String?).self) {
                result[caseID, default: []].append(AccessJournal.Source.Received(request: request, agency: agency, field: field, digest: digest))
            }
            return result
        }
    }

    /// The case a request belongs to, if any.
    func caseID(of request: UUID) async throws -> UUID? {
        try await database.withConnection { connection in
            let rows = try await connection.query("SELECT case_id FROM case_requests WHERE id = \(request)", logger: database.logger)
            for try await id in rows.decode(UUID.self) { return id }
            return nil
        }
    }
}
