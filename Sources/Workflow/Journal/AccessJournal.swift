import Foundation
import Logging
import PostgresNIO

/// Who read or changed which fields of a case, and through which route: appended, never
/// edited; a change is journaled in the transaction of the change itself (`CaseStore`).
/// Only the door to the cases (`CaseService`) writes it: the front-ends never do.
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

    /// A line to write with a change, in its transaction (`CaseWriter`).
    struct Row {
        var caseID: UUID
        var access: Access
        var kind: String
        var fields: [String]

        static func change(_ caseID: UUID, by access: Access, fields: [String]) -> Row {
            Row(caseID: caseID, access: access, kind: "change", fields: fields)
        }

        static func read(_ caseID: UUID, by access: Access, fields: [String]) -> Row {
            Row(caseID: caseID, access: access, kind: "read", fields: fields)
        }

        var json: JSONValue {
            .object(["case_id": .string(caseID.lowercasedString), "actor": .string(access.actor),
                     "agency": access.agency.map(JSONValue.string) ?? .null, "kind": .string(kind), "via": .string(access.via),
                     "fields": .array(fields.sorted().map(JSONValue.string))])
        }
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Records that `access` read these fields of the case.
    func read(_ caseID: UUID, by access: Access, fields: [String]) async throws {
        try await write([.read(caseID, by: access, fields: fields)])
    }

    /// Records that `access` read these cases (an inbox, a list), with the fields of each
    /// that the list showed (its summary), none when `shown` names none.
    func read(cases ids: [UUID], shown: [UUID: [String]] = [:], by access: Access) async throws {
        try await write(ids.map { .read($0, by: access, fields: shown[$0] ?? []) })
    }

    /// Reads outside a change, written by the one writer of the journal (`CaseWriter`).
    func write(_ rows: [Row]) async throws {
        guard !rows.isEmpty else { return }
        try await database.client.withConnection { connection in
            try await CaseWriter(connection: connection, logger: database.logger).write([], journal: rows, now: Date())
        }
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
