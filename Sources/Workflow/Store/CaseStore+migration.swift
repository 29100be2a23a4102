import Foundation
import PostgresNIO

extension CaseStore {
    /// The open cases of a workflow on any version but `version`, in a main state `state` when
    /// one is named, by id: what a migration to `version` has left to move. Cases already on
    /// it are not listed, so a migration run again finishes the rest.
    func openCases(workflow: String, notOn version: Int, state: String?, after: UUID? = nil) async throws -> [UUID] {
        let rows = try await database.client.query("""
            SELECT id FROM cases
            WHERE workflow_id = \(workflow) AND workflow_version <> \(version) AND status = 'open'
              AND (\(state)::text IS NULL OR state = \(state))
              AND (\(after)::uuid IS NULL OR id > \(after))
            ORDER BY id
            """, logger: database.logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// Several cases as they stand (tasks and timers included), in three queries: what a dry
    /// run judges. Nothing is locked; a case not found is absent.
    func snapshots(_ ids: [UUID]) async throws -> [UUID: CaseSnapshot] {
        try await database.client.withConnection { connection in
            try await CaseReader(connection: connection, logger: database.logger).snapshots(ids)
        }
    }
}
