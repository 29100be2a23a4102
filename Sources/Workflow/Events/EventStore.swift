import Foundation
import PostgresNIO

/// The outbox as it is read: events after a cursor (`seq`), of the workflow versions a
/// reader may know, oldest first. Written only by `CaseWriter`, with the changes.
public struct EventStore: Sendable {
    /// An event as stored, with its place in the outbox.
    public struct Stored: Sendable {
        public var seq: Int64
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
    public func page(after: Int64?, types: [String]?, scope: [(workflowID: String, version: Int)], limit: Int) async throws -> [Stored] {
        guard !scope.isEmpty else { return [] }
        let versions = JSONValue.array(scope.map { .object(["w": .string($0.workflowID), "v": .number(JSONNumber($0.version))]) }).serialized()
        return try await database.withConnection { connection in
            let rows = try await connection.query("""
                SELECT e.seq, e.id, e.type, e.case_id, e.case_version, e.at, e.workflow_id, e.workflow_version, e.payload::text
                FROM case_events e
                WHERE e.seq > \(after ?? 0)
                  AND (\(types)::text[] IS NULL OR e.type = ANY(\(types)::text[]))
                  AND EXISTS (SELECT 1 FROM jsonb_to_recordset(\(versions)::jsonb) AS a(w text, v integer)
                              WHERE a.w = e.workflow_id AND a.v = e.workflow_version)
                ORDER BY e.seq
                LIMIT \(max(1, min(limit, 1000)))
                """, logger: database.logger)
            var events: [Stored] = []
            for try await (seq, id, type, caseID, version, at, workflowID, workflowVersion, payload)
                in rows.decode((Int64, UUID, String, UUID, Int, Date, String, Int, String).self) {
                events.append(Stored(seq: seq, id: id, type: type, caseID: caseID, caseVersion: version, at: at,
                                     workflowID: workflowID, workflowVersion: workflowVersion, payload: try JSONValue(parsing: payload)))
            }
            return events
        }
    }
}
