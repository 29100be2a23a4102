import Foundation
import PostgresNIO

/// The outbox as it is read: events after a cursor, of the workflow versions a reader may
/// know, in the order of their transactions. Written only by `CaseWriter`, with the changes.
///
/// Only events of transactions older than every transaction still running are read, in
/// (transaction, seq) order: an event whose transaction commits later always sorts after
/// the cursor of any page read before, so no event is ever stepped over. A case's events
/// keep its versions' order (the writer refuses to write them out of it).
public struct EventStore: Sendable {
    /// An event as stored, with its place in the outbox.
    /// A place in the outbox: the writing transaction and the event's number.
    public struct Cursor: Sendable, Hashable {
        public var xact: UInt64
        public var seq: Int64

        public init(xact: UInt64, seq: Int64) {
            self.xact = xact
            self.seq = seq
        }

        /// `XACT-SEQ`, as a feed hands it out.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let xact = UInt64(parts[0]), let seq = Int64(parts[1]), seq >= 0 else { return nil }
            self.init(xact: xact, seq: seq)
        }

        public var text: String { "\(xact)-\(seq)" }
    }

    public struct Stored: Sendable {
        public var cursor: Cursor
        public var seq: Int64 { cursor.seq }
        public var id: UUID
        public var type: String
        public var caseID: UUID
        public var caseVersion: Int
        public var at: Date
        public var workflowID: String
        public var workflowVersion: Int
        public var payload: JSONValue
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Up to `limit` events after `after`, of `types` when given, of the versions in `scope`.
    public func page(after: Cursor?, types: [String]?, scope: SupervisionScope, limit: Int) async throws -> [Stored] {
        guard !scope.isEmpty else { return [] }
        let versions = scope.boundJSON
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT e.xact::text, e.seq, e.id, e.type, e.case_id, e.case_version, e.at, e.workflow_id, e.workflow_version,
                       e.payload::text
                FROM case_events e
                WHERE (e.xact, e.seq) > (\(String(after?.xact ?? 0))::xid8, \(after?.seq ?? 0))
                  AND e.xact < pg_snapshot_xmin(pg_current_snapshot())
                  AND (\(types)::text[] IS NULL OR e.type = ANY(\(types)::text[]))
                  AND (\(versions)::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                                                            WHERE a.w = e.workflow_id AND a.v = e.workflow_version))
                ORDER BY e.xact, e.seq
                LIMIT \(max(1, min(limit, 1000)))
                """, logger: database.logger)
            var events: [Stored] = []
            for try await (xact, seq, id, type, caseID, version, at, workflowID, workflowVersion, payload)
                in rows.decode((String, Int64, UUID, String, UUID, Int, Date, String, Int, String).self) {
                guard let xact = UInt64(xact) else { throw StoreError(.unavailable, "an event's transaction id is not a number: \(xact)") }
                events.append(Stored(cursor: Cursor(xact: xact, seq: seq), id: id, type: type, caseID: caseID, caseVersion: version, at: at,
                                     workflowID: workflowID, workflowVersion: workflowVersion, payload: try JSONValue(parsing: payload)))
            }
            return events
        }
    }
}
