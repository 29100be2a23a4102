import Foundation
import PostgresNIO

/// The brief's invariant as a query: open cases with no owner (no open task, no pending
/// timer). The database also refuses to commit such a case; this query is what tests run
/// after every scenario and what the worker's sweep runs periodically.
public struct OwnerInvariant: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    public func casesWithoutOwner(limit: Int = 1000) async throws -> [UUID] {
        let rows = try await database.client.query("""
            SELECT c.id FROM cases c
            WHERE c.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM timers m WHERE m.case_id = c.id)
            ORDER BY c.id
            LIMIT \(limit)
            """, logger: database.logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }
}
