import Foundation
import PostgresNIO

/// "Where do cases leave the ordinary path, and what do people do about it?": the
/// escalations opened in a period, counted by reason, by state, by queue and by age, each
/// split into open and resolved, with the overrides of the period and their justifications.
/// This is the report that tells designers where a workflow must grow.
///
/// An escalation counts in the period when it was *opened* in it (`from` ≤ opened < `to`);
/// it is resolved when its task was closed by `asOf`. Its age is the time from opening to
/// resolution, or to `asOf` while it is open. Escalation contexts (the values a rule saw)
/// are case data and are never read; override notes are people's words, kept as the case
/// history keeps them for every agent who knows the case.
public struct EscalationReport: Sendable {
    public struct Filter: Sendable {
        public var from: Date
        public var to: Date
        public var workflowID: String?
        /// How many overrides to list, newest first (the counts are never cut).
        public var overrideLimit = 100
        /// The moment of the report (default: the database's now).
        public var asOf: Date?

        public init(from: Date, to: Date) {
            self.from = from
            self.to = to
        }
    }

    /// One line of a breakdown: a key and its open and resolved escalations.
    public struct Count: Sendable, Hashable {
        /// The reason, the state, the queue or the age bucket.
        public var key: String
        /// The state's workflow (the state breakdown only: state ids belong to a workflow).
        public var workflowID: String?
        public var open: Int
        public var resolved: Int

        public var total: Int { open + resolved }
    }

    public struct Result: Sendable {
        public var from: Date
        public var to: Date
        public var asOf: Date
        public var open: Int
        public var resolved: Int
        public var byReason: [Count]
        public var byState: [Count]
        public var byQueue: [Count]
        /// `<1d`, `1-7d`, `7-30d`, `>30d`, in that order, each present (zero when none).
        public var byAge: [Count]
        public var overrides: [OverrideLog.Entry]
    }

    /// The age buckets, in order.
    public static let ageBuckets = ["<1d", "1-7d", "7-30d", ">30d"]

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    public func run(_ filter: Filter, scope: SupervisionScope) async throws -> Result {
        let asOf = try await SupervisionClock.resolve(filter.asOf, in: database)
        var result = Result(from: filter.from, to: filter.to, asOf: asOf, open: 0, resolved: 0, byReason: [], byState: [],
                            byQueue: [], byAge: Self.ageBuckets.map { Count(key: $0, open: 0, resolved: 0) }, overrides: [])
        guard !scope.isEmpty, filter.from < filter.to else { return result }
        let versions = scope.boundJSON
        let now = DatabaseTime.text(asOf)
        // One pass over the period's escalations (index tasks_escalations_by_opened), one
        // group per breakdown with GROUPING SETS; `grouping()` tells which line is which.
        let rows = try await database.client.query("""
            WITH e AS (
                SELECT t.reason, c.workflow_id, t.state, t.queue,
                       (t.closed_at IS NOT NULL AND t.closed_at <= \(now)::timestamptz) AS resolved,
                       extract(epoch FROM CASE WHEN t.closed_at IS NOT NULL AND t.closed_at <= \(now)::timestamptz
                                               THEN t.closed_at ELSE \(now)::timestamptz END - t.opened_at) AS age
                FROM tasks t JOIN cases c ON c.id = t.case_id
                WHERE t.kind = 'escalation'
                  AND t.opened_at >= \(DatabaseTime.text(filter.from))::timestamptz
                  AND t.opened_at < \(DatabaseTime.text(filter.to))::timestamptz
                  AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (
                        SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
            ), b AS (
                SELECT *, CASE WHEN age < 86400 THEN '<1d' WHEN age < 7 * 86400 THEN '1-7d'
                               WHEN age < 30 * 86400 THEN '7-30d' ELSE '>30d' END AS bucket
                FROM e
            )
            SELECT CASE WHEN grouping(reason) = 0 THEN 'reason' WHEN grouping(state) = 0 THEN 'state'
                        WHEN grouping(queue) = 0 THEN 'queue' WHEN grouping(bucket) = 0 THEN 'age' ELSE 'total' END,
                   coalesce(reason, state, queue, bucket, ''), workflow_id,
                   (count(*) FILTER (WHERE NOT resolved))::integer, (count(*) FILTER (WHERE resolved))::integer
            FROM b
            GROUP BY GROUPING SETS ((reason), (workflow_id, state), (queue), (bucket), ())
            """, logger: database.logger)
        for try await (dimension, key, workflowID, open, resolved) in rows.decode((String, String, String?, Int, Int).self) {
            let count = Count(key: key, workflowID: dimension == "state" ? workflowID : nil, open: open, resolved: resolved)
            switch dimension {
            case "reason": result.byReason.append(count)
            case "state": result.byState.append(count)
            case "queue": result.byQueue.append(count)
            case "age":
                if let index = Self.ageBuckets.firstIndex(of: key) { result.byAge[index] = count }
            default:
                result.open = open
                result.resolved = resolved
            }
        }
        let order: (Count, Count) -> Bool = { ($1.total, $0.workflowID ?? "", $0.key) < ($0.total, $1.workflowID ?? "", $1.key) }
        result.byReason.sort(by: order)
        result.byState.sort(by: order)
        result.byQueue.sort(by: order)
        var overrides = OverrideLog.Filter(workflowID: filter.workflowID, since: filter.from, limit: filter.overrideLimit)
        overrides.until = filter.to
        overrides.scope = scope
        result.overrides = try await OverrideLog(database).list(overrides)
        return result
    }
}
