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
        /// The answered requests whose values were read: whence each came and on what basis.
        public var sources: [Source] = []
    }

    /// A value read that another administration provided through a request (language
    /// brief: "every read of an answered document is journaled with the request and its
    /// legal basis"), with the names the person's words need, as they were when read.
    public struct Source: Sendable, Hashable {
        public var field: String
        public var request: String
        public var label: String
        /// The agency that provided it, and its name.
        public var to: String
        public var toName: String
        public var legalBasis: String
        /// The name of the reader's agency, when an agent read it.
        public var readerName: String?

        var json: JSONValue {
            .object(["field": .string(field), "request": .string(request), "label": .string(label), "to": .string(to),
                     "to_name": .string(toName), "legal_basis": .string(legalBasis),
                     "reader_name": readerName.map(JSONValue.string) ?? .null])
        }

        init(field: String, request: String, label: String, to: String, toName: String, legalBasis: String, readerName: String?) {
            (self.field, self.request, self.label, self.to, self.toName, self.legalBasis, self.readerName)
                = (field, request, label, to, toName, legalBasis, readerName)
        }

        init?(json: JSONValue) {
            func text(_ key: String) -> String? { json.value(at: key)?.stringValue }
            guard let field = text("field"), let request = text("request"), let label = text("label"), let to = text("to"),
                  let toName = text("to_name"), let legalBasis = text("legal_basis") else { return nil }
            self.init(field: field, request: request, label: label, to: to, toName: toName, legalBasis: legalBasis,
                      readerName: text("reader_name"))
        }

        /// What the portal tells the person, in French, the language of the procedures:
        /// « La caisse X a consulté votre acte de naissance, fourni par la mairie Y, au titre de … ».
        public var words: String {
            "\(readerName ?? "L'administration") a consulté votre « \(label) », fourni par \(toName), au titre de : \(legalBasis)."
        }
    }

    /// A line to write with a change, in its transaction (`CaseWriter`).
    struct Row {
        var caseID: UUID
        var access: Access
        var kind: String
        var fields: [String]
        var sources: [Source] = []

        static func change(_ caseID: UUID, by access: Access, fields: [String]) -> Row {
            Row(caseID: caseID, access: access, kind: "change", fields: fields)
        }

        static func read(_ caseID: UUID, by access: Access, fields: [String], sources: [Source] = []) -> Row {
            Row(caseID: caseID, access: access, kind: "read", fields: fields, sources: sources)
        }

        var json: JSONValue {
            .object(["case_id": .string(caseID.lowercasedString), "actor": .string(access.actor),
                     "agency": access.agency.map(JSONValue.string) ?? .null, "kind": .string(kind), "via": .string(access.via),
                     "fields": .array(fields.sorted().map(JSONValue.string)), "sources": .array(sources.map(\.json))])
        }
    }

    let database: Database

    public init(_ database: Database) {
        self.database = database
    }

    /// Records that `access` read these fields of the case.
    func read(_ caseID: UUID, by access: Access, fields: [String], sources: [Source] = []) async throws {
        try await write([.read(caseID, by: access, fields: fields, sources: sources)])
    }

    /// Records that `access` read these cases (an inbox, a list), with the fields of each
    /// that the list showed (its summary), none when `shown` names none, and the sources of
    /// those another administration provided.
    func read(cases ids: [UUID], shown: [UUID: [String]] = [:], sources: [UUID: [Source]] = [:], by access: Access) async throws {
        try await write(ids.map { .read($0, by: access, fields: shown[$0] ?? [], sources: sources[$0] ?? []) })
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
            SELECT at, actor, agency, kind, via, fields, sources::text FROM access_journal
            WHERE case_id = \(caseID) ORDER BY id LIMIT \(limit)
            """, logger: database.logger)
        var entries: [Entry] = []
        for try await (at, actor, agency, kind, via, fields, sources)
            in rows.decode((Date, String, String?, String, String, [String], String).self) {
            let read = try (JSONValue(parsing: sources).arrayValue ?? []).compactMap(Source.init(json:))
            entries.append(Entry(at: at, actor: actor, agency: agency, kind: kind, via: via, fields: fields, sources: read))
        }
        return entries
    }
}
