import Foundation
import PostgresNIO

/// Each agency's own reference for a case (migration 16). Setting one is recorded in the
/// case's history and journal by the one writer, in the same transaction; it does not
/// change the case's version (it changes how others name the case, not the case).
struct ExternalRefStore {
    let database: Database

    /// The case an agency's reference names, if any.
    func caseID(agency: String, ref: String) async throws -> UUID? {
        try await database.withConnection { connection in
            let rows = try await connection.query(
                "SELECT case_id FROM case_external_refs WHERE agency = \(agency) AND ref = \(ref)", logger: database.logger)
            for try await id in rows.decode(UUID.self) { return id }
            return nil
        }
    }

    /// Sets (or replaces) `agency`'s reference for the case; a reference that names another
    /// case of that agency is a conflict. The case's row is locked first, as a claim does,
    /// so that the history line is stamped with the version it follows.
    func set(_ ref: String, agency: String, on caseID: UUID, by actor: CaseActor, via: String) async throws {
        try await database.transaction { connection in
            let cases = try await connection.query(
                "SELECT version, waiting_on, whose_move, state FROM cases WHERE id = \(caseID) FOR NO KEY UPDATE", logger: database.logger)
            var found: (Int, String, [String], String)?
            for try await row in cases.decode((Int, String, [String], String).self) { found = row }
            guard let (version, waitingOn, whoseMove, state) = found else { throw StoreError(.notFound, "no case \(caseID)") }
            let now = try await CaseStore.databaseClock(connection, logger: database.logger)
            // The unique (agency, ref) says whether another case has the reference, races included.
            do {
                try await connection.query("""
                    INSERT INTO case_external_refs (case_id, agency, ref, set_by, set_at)
                    VALUES (\(caseID), \(agency), \(ref), \(actor.recorded), \(DatabaseTime.text(now))::timestamptz)
                    ON CONFLICT (case_id, agency) DO UPDATE SET ref = EXCLUDED.ref, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at
                    """, logger: database.logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                throw StoreError(.conflict, "the reference '\(ref)' of \(agency) already names another case")
            }
            let entry = HistoryEntry(event: "external-ref-set", actor: actor.recorded, fromState: state, toState: state,
                                     context: .object(["agency": .string(agency), "ref": .string(ref)]), waitingOn: waitingOn, at: now)
            try await CaseWriter(connection: connection, logger: database.logger)
                .write([], history: [CaseWriter.HistoryLine(caseID: caseID, caseVersion: version, entry: entry, whoseMove: whoseMove)],
                       journal: [.change(caseID, by: AccessJournal.Access(actor: actor.recorded, agency: actor.agency, via: via), fields: [])],
                       now: now)
        }
    }
}
