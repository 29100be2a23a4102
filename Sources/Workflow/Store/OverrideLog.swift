import Foundation
import PostgresNIO

/// The overrides recorded in case histories, newest first: who moved which case where, and why.
///
/// An override is the one change that bypasses the workflow's rules, so supervisors review
/// them; this reads the `override` entries of `case_history`, with the case's workflow and
/// whether the override reopened a closed case (a `reopened` entry of the same change).
public struct OverrideLog: Sendable {
    /// Which overrides to list; every filter is optional.
    public struct Filter: Sendable {
        public var workflowID: String?
        /// Only overrides recorded at or after this time.
        public var since: Date?
        /// At most this many (1 to 500).
        public var limit: Int
        /// Only overrides recorded before this time.
        public var until: Date?
        /// Only overrides of cases of these workflow versions (supervision: what the caller may know).
        public var scope: SupervisionScope = .everything

        public init(workflowID: String? = nil, since: Date? = nil, limit: Int = 50) {
            self.workflowID = workflowID
            self.since = since
            self.limit = limit
        }
    }

    /// One override: when, on which case, by whom, from where to where, and its justification.
    public struct Entry: Sendable, Hashable {
        /// The history entry's sequence number (its id in `case_history`).
        public var sequence: Int64
        public var at: Date
        public var caseID: UUID
        public var workflowID: String
        public var workflowVersion: Int
        /// The case version the override produced.
        public var caseVersion: Int
        public var actor: String
        /// The state left (the track's state for a track override; none for a track not yet opened).
        public var fromState: String?
        public var toState: String
        public var track: String?
        public var note: String
        /// The outcome of the closed case this override reopened, or nil when the case was open.
        public var reopenedFromOutcome: String?

        public var reopened: Bool { reopenedFromOutcome != nil }
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// The overrides matching the filter, newest first.
    public func list(_ filter: Filter) async throws -> [Entry] {
        guard !filter.scope.isEmpty else { return [] }
        let since = filter.since.map(DatabaseTime.text)
        let until = filter.until.map(DatabaseTime.text)
        let versions = filter.scope.boundJSON
        // The reopening, if any, is written by the same change: same case, same case version.
        // The partial index case_history_overrides (migration 5) keeps this to the overrides.
        let rows = try await database.client.query("""
            SELECT h.id, h.at, h.case_id, c.workflow_id, c.workflow_version, h.case_version, h.actor,
                   h.from_state, h.to_state, h.track, h.note, reopening.outcome
            FROM case_history h
            JOIN cases c ON c.id = h.case_id
            LEFT JOIN LATERAL (
                SELECT coalesce(r.reason, '') AS outcome FROM case_history r
                WHERE r.case_id = h.case_id AND r.case_version = h.case_version AND r.event = 'reopened'
                LIMIT 1
            ) AS reopening ON true
            WHERE h.event = 'override'
              AND (\(filter.workflowID)::text IS NULL OR c.workflow_id = \(filter.workflowID))
              AND (\(since)::timestamptz IS NULL OR h.at >= \(since)::timestamptz)
              AND (\(until)::timestamptz IS NULL OR h.at < \(until)::timestamptz)
              AND (\(versions)::jsonb IS NULL OR EXISTS (
                    SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                    WHERE a.w = c.workflow_id AND a.v = c.workflow_version))
            ORDER BY h.at DESC, h.id DESC
            LIMIT \(max(1, min(filter.limit, 500)))
            """, logger: database.logger)
        var entries: [Entry] = []
        for try await (sequence, at, caseID, workflowID, workflowVersion, caseVersion, actor, from, to, track, note, reopenedFrom)
            in rows.decode((Int64, Date, UUID, String, Int, Int, String, String?, String?, String?, String?, String?).self) {
            entries.append(Entry(sequence: sequence, at: at, caseID: caseID, workflowID: workflowID,
                                 workflowVersion: workflowVersion, caseVersion: caseVersion, actor: actor,
                                 fromState: from, toState: to ?? "", track: track, note: note ?? "",
                                 reopenedFromOutcome: reopenedFrom))
        }
        return entries
    }
}
