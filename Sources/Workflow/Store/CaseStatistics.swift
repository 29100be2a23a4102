import Foundation
import PostgresNIO

/// Counts for operators' dashboards: cases by workflow, state and status, and open
/// escalations by reason (each one query over a partial index or a small table).
public struct CaseStatistics: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    public func casesByState() async throws -> [(workflow: String, state: String, status: String, count: Int)] {
        let rows = try await database.client.query("""
            SELECT workflow_id, state, status, count(*)::int FROM cases GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, logger: database.logger)
        var result: [(String, String, String, Int)] = []
        for try await row in rows.decode((String, String, String, Int).self) { result.append(row) }
        return result.map { (workflow: $0.0, state: $0.1, status: $0.2, count: $0.3) }
    }

    public func openEscalationsByReason() async throws -> [(reason: String, count: Int)] {
        let rows = try await database.client.query("""
            SELECT reason, count(*)::int FROM tasks WHERE closed_at IS NULL AND kind = 'escalation' GROUP BY 1 ORDER BY 1
            """, logger: database.logger)
        var result: [(String, Int)] = []
        for try await row in rows.decode((String, Int).self) { result.append(row) }
        return result.map { (reason: $0.0, count: $0.1) }
    }
}
