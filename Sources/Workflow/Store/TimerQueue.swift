import Foundation
import Logging
import PostgresNIO

/// The worker's side of the timers table: claiming due timers under a lease, extending and
/// releasing leases, postponing a timer whose change could not be written, and finding when
/// the next one falls due. Every time is the database's.
public struct TimerQueue: Sendable {
    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Claims up to `limit` due timers that nobody holds (or whose lease has ended), oldest
    /// due first, for `worker` until `lease` from now. `SKIP LOCKED` lets several workers
    /// claim at once without waiting on each other or taking the same timer.
    public func claim(limit: Int, worker: String, lease: Duration) async throws -> [ClaimedTimer] {
        let rows = try await database.client.query("""
            WITH due AS (
                SELECT id FROM timers
                WHERE due_at <= now() AND (locked_until IS NULL OR locked_until <= now())
                ORDER BY due_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE timers t SET locked_by = \(worker),
                                locked_until = now() + make_interval(secs => \(lease.seconds))
            FROM due, cases c
            WHERE t.id = due.id AND c.id = t.case_id
            RETURNING t.id, t.case_id, c.workflow_id, c.workflow_version, t.kind, t.due_at, t.attempt
            """, logger: database.logger)
        var claimed: [ClaimedTimer] = []
        for try await (id, caseID, workflowID, version, kind, dueAt, attempt)
            in rows.decode((UUID, UUID, String, Int, String, Date, Int).self) {
            guard let kind = TimerKind(rawValue: kind) else { continue }
            claimed.append(ClaimedTimer(id: id, caseID: caseID, workflowID: workflowID, workflowVersion: version,
                                        kind: kind, dueAt: dueAt, attempt: attempt))
        }
        return claimed.sorted { $0.dueAt != $1.dueAt ? $0.dueAt < $1.dueAt : $0.id.precedes($1.id) }
    }

    /// Extends the lease of the timers `worker` still holds among `ids`, while it works on them.
    @discardableResult
    public func extend(_ ids: [UUID], worker: String, lease: Duration) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let rows = try await database.client.query("""
            UPDATE timers SET locked_until = now() + make_interval(secs => \(lease.seconds))
            WHERE id = ANY(\(ids)) AND locked_by = \(worker)
            RETURNING id
            """, logger: database.logger)
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// Gives back the timers `worker` holds among `ids` (or all of them), so that another
    /// worker takes them at once instead of after the lease.
    public func release(_ ids: [UUID]? = nil, worker: String) async throws {
        if let ids {
            guard !ids.isEmpty else { return }
            try await database.client.query("""
                UPDATE timers SET locked_by = NULL, locked_until = NULL WHERE id = ANY(\(ids)) AND locked_by = \(worker)
                """, logger: database.logger)
        } else {
            try await database.client.query("""
                UPDATE timers SET locked_by = NULL, locked_until = NULL WHERE locked_by = \(worker)
                """, logger: database.logger)
        }
    }

    /// Counts one more failed try of a timer and sets it due again after `delay`, free for any
    /// worker; false when the timer is gone (applied meanwhile by another worker).
    public func postpone(_ id: UUID, worker: String, attempt: Int, delay: Duration) async throws -> Bool {
        let rows = try await database.client.query("""
            UPDATE timers SET attempt = \(attempt), due_at = now() + make_interval(secs => \(delay.seconds)),
                              locked_by = NULL, locked_until = NULL
            WHERE id = \(id) AND (locked_by = \(worker) OR locked_by IS NULL OR locked_until <= now())
            RETURNING id
            """, logger: database.logger)
        for try await _ in rows { return true }
        return false
    }

    /// How long until the next timer anyone could claim falls due (zero when one is due now),
    /// or nil when there is none.
    public func nextDue() async throws -> Duration? {
        let rows = try await database.client.query("""
            SELECT greatest(0, extract(epoch FROM least(
                (SELECT due_at FROM timers WHERE locked_until IS NULL ORDER BY due_at LIMIT 1),
                (SELECT min(greatest(due_at, locked_until)) FROM timers WHERE locked_until IS NOT NULL)
            ) - now()))::float8
            """, logger: database.logger)
        for try await seconds in rows.decode(Double?.self) {
            return seconds.map { .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        }
        return nil
    }
}
