import Foundation
import Logging
import PostgresNIO

/// Who read or changed which fields of a case, and through which route: appended, never
/// edited; a change is journaled in the transaction of the change itself (`CaseStore`).
public struct AccessJournal: Sendable {
    /// Who accesses, and how.
    public struct Access: Sendable, Hashable {
        /// `agent:ID`, `citizen:REF` (through the portal, named in `via`), `cli:NAME`, `engine`.
        public var actor: String
        public var agency: String?
        /// The route or command (`GET /api/v1/cases/{id}`, `cli: cases show`).
        public var via: String

        public init(actor: String, agency: String? = nil, via: String) {
            self.actor = actor
            self.agency = agency
            self.via = via
        }
    }

    /// One line of the journal.
    public struct Entry: Sendable, Hashable {
        public var at: Date
        public var actor: String
        public var agency: String?
        public var kind: String
        public var via: String
        public var fields: [String]
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Records that `access` read these fields of the case.
    public func read(_ caseID: UUID, by access: Access, fields: [String]) async throws {
        try await database.client.query("""
            INSERT INTO access_journal (case_id, actor, agency, kind, via, fields)
            VALUES (\(caseID), \(access.actor), \(access.agency), 'read', \(access.via), \(fields.sorted())::text[])
            """, logger: database.logger)
    }

    /// Records that `access` read these cases (an inbox, a list), with no field of their data.
    public func read(cases ids: [UUID], by access: Access) async throws {
        guard !ids.isEmpty else { return }
        try await database.client.query("""
            INSERT INTO access_journal (case_id, actor, agency, kind, via, fields)
            SELECT id, \(access.actor), \(access.agency), 'read', \(access.via), '{}' FROM unnest(\(ids)::uuid[]) AS id
            """, logger: database.logger)
    }

    /// Records a change inside the caller's transaction.
    static func change(_ caseID: UUID, by access: Access, fields: [String], connection: PostgresConnection,
                       logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO access_journal (case_id, actor, agency, kind, via, fields)
            VALUES (\(caseID), \(access.actor), \(access.agency), 'change', \(access.via), \(fields.sorted())::text[])
            """, logger: logger)
    }

    /// `change` for several cases by one party in one statement (the worker's batches).
    static func changes(_ cases: [(caseID: UUID, fields: [String])], by access: Access, connection: PostgresConnection,
                        logger: Logger) async throws {
        guard !cases.isEmpty else { return }
        let rows = JSONValue.array(cases.map { entry in
            .object(["case_id": .string(entry.caseID.uuidString), "fields": .array(entry.fields.sorted().map(JSONValue.string))])
        }).serialized()
        try await connection.query("""
            INSERT INTO access_journal (case_id, actor, agency, kind, via, fields)
            SELECT r.case_id, \(access.actor), \(access.agency), 'change', \(access.via),
                   ARRAY(SELECT jsonb_array_elements_text(r.fields))
            FROM jsonb_to_recordset(\(rows)::jsonb) AS r(case_id uuid, fields jsonb)
            """, logger: logger)
    }

    /// The journal of a case, oldest first.
    public func entries(_ caseID: UUID, limit: Int = 1000) async throws -> [Entry] {
        let rows = try await database.client.query("""
            SELECT at, actor, agency, kind, via, fields FROM access_journal
            WHERE case_id = \(caseID) ORDER BY id LIMIT \(limit)
            """, logger: database.logger)
        var entries: [Entry] = []
        for try await (at, actor, agency, kind, via, fields) in rows.decode((Date, String, String?, String, String, [String]).self) {
            entries.append(Entry(at: at, actor: actor, agency: agency, kind: kind, via: via, fields: fields))
        }
        return entries
    }
}
