import Foundation
import PostgresNIO

/// "Who held the cases, and where did the time go?": the time cases spent in each state
/// and with each party (`usager`, an agency, `engine`) over a period, from the history,
/// so that a delay is attributed to whoever held the case and not to the administration
/// that ends up answering for it.
///
/// In parallel work several parties hold a case at once (each open track's, each open
/// escalation's queue's agency: the whose-move list each history entry records): each is
/// charged the whole interval, concurrently. Party times may therefore add up to more
/// than the elapsed time, which `totalSeconds` gives (each interval once).
///
/// Between two consecutive entries of a case's history (ordered by time, then sequence),
/// the interval belongs to the parties recorded on the earlier entry and to the case's
/// main state after it (the last `to_state` of an entry outside the tracks: time in a
/// parallel state counts for the parallel state). The last interval of an open case
/// runs to `asOf`; a closed case's stops at its closing. Each interval is clipped to the
/// period [`from`, `to`) and to `asOf`.
///
/// It reads the whole history of every case alive in the period: fine for a period of a
/// few weeks on a large base, linear in the history's size. Beyond that the way is a
/// summary table of intervals written with each change (see docs/supervision.md).
public struct DelayReport: Sendable {
    public struct Filter: Sendable {
        public var from: Date
        public var to: Date
        public var workflowID: String?
        /// The moment the last interval of an open case runs to (default: the database's now).
        public var asOf: Date?

        public init(from: Date, to: Date) {
            self.from = from
            self.to = to
        }
    }

    /// Time held by one key: seconds in the period, and how many cases contributed.
    public struct Share: Sendable, Hashable {
        /// The party, or the state.
        public var key: String
        /// The state's workflow (the state breakdown only).
        public var workflowID: String?
        public var seconds: Double
        public var cases: Int
    }

    public struct Result: Sendable {
        public var from: Date
        public var to: Date
        public var asOf: Date
        /// All the time counted, in seconds, and the cases it comes from.
        public var totalSeconds: Double
        public var cases: Int
        /// Most time first.
        public var byParty: [Share]
        public var byState: [Share]
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    public func run(_ filter: Filter, scope: SupervisionScope) async throws -> Result {
        let asOf = try await SupervisionClock.resolve(filter.asOf, in: database)
        var result = Result(from: filter.from, to: filter.to, asOf: asOf, totalSeconds: 0, cases: 0, byParty: [], byState: [])
        guard !scope.isEmpty, filter.from < filter.to else { return result }
        let versions = scope.boundJSON
        let from = DatabaseTime.text(filter.from)
        let to = DatabaseTime.text(filter.to)
        let now = DatabaseTime.text(asOf)
        let rows = try await database.client.query("""
            WITH alive AS (
                -- The cases that existed in the period: created before its end, not closed before its start.
                SELECT c.id, c.workflow_id, c.closed_at FROM cases c
                WHERE c.created_at < \(to)::timestamptz
                  AND (c.closed_at IS NULL OR c.closed_at > \(from)::timestamptz)
                  AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (
                        SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                        WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
            ), entries AS (
                -- Each entry with the next one's time, and a counter of main-line state changes
                -- so far: the entries of one count share the state the first of them entered.
                -- Whose move after the entry: every party (entries written before whose_move
                -- was kept have their single waiting_on).
                SELECT h.case_id, a.workflow_id, a.closed_at, h.at, coalesce(h.whose_move, ARRAY[h.waiting_on]) AS parties,
                       CASE WHEN h.track IS NULL THEN h.to_state END AS entered,
                       lead(h.at) OVER w AS next_at,
                       count(CASE WHEN h.track IS NULL THEN h.to_state END) OVER w AS state_count
                FROM case_history h JOIN alive a ON a.id = h.case_id
                -- In the order written: a case's lines are written under its row lock, so their
                -- ids follow the changes' order even when a claim's line, stamped later, was
                -- written before a change that had read the case earlier.
                WINDOW w AS (PARTITION BY h.case_id ORDER BY h.id)
            ), spans AS (
                SELECT case_id, workflow_id, parties,
                       max(entered) OVER (PARTITION BY case_id, state_count) AS state,
                       greatest(at, \(from)::timestamptz) AS span_start,
                       least(coalesce(next_at, closed_at, \(now)::timestamptz), \(to)::timestamptz, \(now)::timestamptz) AS span_end
                FROM entries
            )
            -- Each party is charged every interval it held the case, concurrently with the
            -- others; states and the total count each interval once (elapsed time).
            SELECT 'party', p.party, NULL::text,
                   sum(extract(epoch FROM s.span_end - s.span_start))::float8, count(DISTINCT s.case_id)::integer
            FROM spans s CROSS JOIN LATERAL unnest(s.parties) AS p(party)
            WHERE s.span_end > s.span_start
            GROUP BY p.party
            UNION ALL
            SELECT CASE WHEN grouping(state) = 0 THEN 'state' ELSE 'total' END,
                   coalesce(state, ''), workflow_id,
                   coalesce(sum(extract(epoch FROM span_end - span_start)), 0)::float8, count(DISTINCT case_id)::integer
            FROM spans
            WHERE span_end > span_start
            GROUP BY GROUPING SETS ((workflow_id, state), ())
            """, logger: database.logger)
        for try await (dimension, key, workflowID, seconds, cases) in rows.decode((String, String, String?, Double, Int).self) {
            switch dimension {
            case "party": result.byParty.append(Share(key: key, workflowID: nil, seconds: seconds, cases: cases))
            case "state": result.byState.append(Share(key: key, workflowID: workflowID, seconds: seconds, cases: cases))
            default:
                result.totalSeconds = seconds
                result.cases = cases
            }
        }
        let order: (Share, Share) -> Bool = { ($1.seconds, $0.workflowID ?? "", $0.key) < ($0.seconds, $1.workflowID ?? "", $1.key) }
        result.byParty.sort(by: order)
        result.byState.sort(by: order)
        return result
    }
}
