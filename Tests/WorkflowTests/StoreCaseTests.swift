import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// Cases through the real store and PostgreSQL: every step is one transaction, checked
/// against the owner invariant afterwards.
@Suite("Cases in PostgreSQL")
struct StoreCaseTests {
    static let operatorActor = CaseActor(.operatorUser(name: "test"))

    static func document(_ name: String) -> JSONValue {
        ["type": "justificatif", "issuer": "mairie", "sha256": .string(String(repeating: "a", count: 64)),
         "name": .string("\(name).pdf"), "size": 1024]
    }

    static let passportData: JSONValue = [
        "usager": ["nom": "Martin", "prenoms": "Claire", "date_naissance": "1980-04-12",
                   "ne_a_l_etranger": false, "commune_comedec": true],
        "demande": ["titre": "cni", "motif": "renouvellement"],
    ]

    /// A store on a database of its own, with the example workflows published.
    static func store(_ name: String) async throws -> (Database, CaseStore) {
        let database = try await TestDatabase.fresh(name)
        let repository = WorkflowRepository(database)
        for example in Repository.examples {
            _ = try await repository.publish(source: try String(contentsOf: example, encoding: .utf8), publishedBy: "cli:test")
        }
        return (database, CaseStore(database, catalog: WorkflowCatalog(repository)))
    }

    static func expectInvariant(_ database: Database, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        #expect(try await OwnerInvariant(database).casesWithoutOwner() == [], sourceLocation: sourceLocation)
    }

    static func act(_ store: CaseStore, _ id: UUID, _ action: String, data: JSONValue? = nil, note: String? = nil,
                    track: String? = nil) async throws -> CaseRecord {
        try await store.apply(CaseEvent(.action(name: action, data: data, track: track), actor: operatorActor, note: note), toCase: id)
    }

    @Test("a passport renewal from pre-application to delivery, with its history")
    func passportOrdinaryPath() async throws {
        let (database, store) = try await Self.store("passport")
        defer { database.close() }
        var record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        let id = record.id
        #expect(record.snapshot.state == "pre-demande" && record.snapshot.version == 1 && record.snapshot.waitingOn == "usager")
        #expect(record.snapshot.timers.contains { $0.kind == .after })
        try await Self.expectInvariant(database)

        let appointment = RFC3339.format(Date().addingTimeInterval(20 * 86_400), in: TimeZone(identifier: "UTC")!).prefix(10)
        record = try await Self.act(store, id, "prendre-rendez-vous",
                                    data: ["demande": ["numero_predemande": "AB12345678"], "recueil": ["date_rendez_vous": .string(String(appointment))]])
        #expect(record.snapshot.state == "recueil" && record.snapshot.version == 2)
        #expect(record.snapshot.tasks.map(\.queue) == ["recueil-titres"])
        try await Self.expectInvariant(database)

        record = try await Self.act(store, id, "valider-recueil", data: [
            "pieces": ["photo": Self.document("photo"), "justificatif_domicile": Self.document("domicile")],
            "recueil": ["empreintes_recueillies": true],
        ])
        // controle-etat-civil is an auto state: a COMEDEC commune goes straight to verification.
        #expect(record.snapshot.state == "verification-etat-civil")
        #expect(record.snapshot.data.value(at: "recueil.date") != nil)
        try await Self.expectInvariant(database)

        for action in ["confirmer-acte", "valider", "expedier"] {
            record = try await Self.act(store, id, action)
            try await Self.expectInvariant(database)
        }
        #expect(record.snapshot.state == "remise")
        record = try await Self.act(store, id, "remettre-titre", data: ["remise": ["empreinte_verifiee": true]])
        #expect(record.snapshot.status == .closed(outcome: "accepted"))
        #expect(record.snapshot.tasks.isEmpty && record.snapshot.timers.isEmpty)
        #expect(record.closedAt != nil)
        try await Self.expectInvariant(database)

        let entered = record.history.filter { $0.entry.event == "entered" }.compactMap(\.entry.toState)
        #expect(entered == ["pre-demande", "recueil", "controle-etat-civil", "verification-etat-civil", "instruction",
                            "fabrication", "remise", "titre-remis"])
        #expect(record.history.allSatisfy { $0.entry.actor == "cli:test" || $0.entry.actor == "engine" })
        #expect(record.history.map(\.caseVersion) == record.history.map(\.caseVersion).sorted())
    }

    @Test("invalid data is refused with the field and the reason; nothing is written")
    func invalidData() async throws {
        let (database, store) = try await Self.store("invalid-data")
        defer { database.close() }
        let cases: [(JSONValue, String)] = [
            (["usager": ["nom": 12]], "usager.nom"),
            (["inconnu": "x"], "inconnu"),
            (["demande": ["titre": "permis"]], "demande.titre"),
            (["demande": ["numero_predemande": "abc"]], "demande.numero_predemande"),
            (["usager": ["prenoms": "Claire\u{0}"]], "usager.prenoms"),
        ]
        for (patch, field) in cases {
            var data = Self.passportData
            for (path, value) in Self.leaves(patch) { try data.setValue(value, at: path) }
            do {
                _ = try await store.create(workflowID: "passeport-identite", data: data, actor: Self.operatorActor)
                Issue.record("invalid data for \(field) was accepted")
            } catch let error as StoreError {
                #expect(error.code == .refused)
                #expect(error.refusal?.field == field, "\(error.message)")
            }
        }
        var missing = Self.passportData
        missing.removeValue(at: "usager.nom")
        do {
            _ = try await store.create(workflowID: "passeport-identite", data: missing, actor: Self.operatorActor)
            Issue.record("a missing required field was accepted")
        } catch let error as StoreError {
            #expect(error.refusal?.code == .requiredFieldMissing && error.refusal?.field == "usager.nom")
        }
        #expect(try await Self.count(database, "cases") == 0)
        #expect(try await Self.count(database, "case_history") == 0)
    }

    @Test("two actions on one case with the same expected version: one wins, the other is a conflict")
    func concurrentActions() async throws {
        let (database, store) = try await Self.store("conflict")
        defer { database.close() }
        let record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        let event = CaseEvent(.action(name: "annuler-demande", data: nil, track: nil), actor: Self.operatorActor, note: "doublon")
        async let first: Result<CaseRecord, any Error> = Self.result { try await store.apply(event, toCase: record.id, expectedVersion: 1) }
        async let second: Result<CaseRecord, any Error> = Self.result { try await store.apply(event, toCase: record.id, expectedVersion: 1) }
        let results = await [first, second]
        let wins = results.filter { if case .success = $0 { return true } else { return false } }
        let conflicts = results.filter { if case .failure(let error) = $0 { return (error as? StoreError)?.code == .conflict } else { return false } }
        #expect(wins.count == 1 && conflicts.count == 1)
        let final = try await store.read(record.id)
        #expect(final.snapshot.version == 2 && final.snapshot.status == .closed(outcome: "withdrawn"))
        #expect(final.history.filter { $0.entry.event == "action" }.count == 1)
    }

    @Test("a refused action writes nothing and says why")
    func refusedAction() async throws {
        let (database, store) = try await Self.store("refused")
        defer { database.close() }
        let record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        do {
            _ = try await Self.act(store, record.id, "prendre-rendez-vous")
            Issue.record("an action missing required fields was accepted")
        } catch let error as StoreError {
            #expect(error.code == .refused && error.refusal?.code == .requiredFieldMissing)
        }
        let after = try await store.read(record.id)
        #expect(after.snapshot.version == 1 && after.history.count == record.history.count)
    }

    @Test("the database refuses to commit an open case without an owner")
    func ownerlessCommitRefused() async throws {
        let (database, store) = try await Self.store("ownerless")
        defer { database.close() }
        let record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        // The check runs at COMMIT (deferred), so it needs a transaction to report to.
        await #expect {
            try await database.transaction { connection in
                try await connection.query("DELETE FROM timers WHERE case_id = \(record.id)", logger: TestDatabase.logger)
            }
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .integrity && error.message.contains("without an owner")
        }
        #expect(try await store.read(record.id).snapshot.timers.count == record.snapshot.timers.count)
        try await Self.expectInvariant(database)
    }

    @Test("every way of leaving an open case without an owner is refused at commit: a task closed, a case inserted or reopened bare")
    func everyOwnerLossRefused() async throws {
        let (database, store) = try await Self.store("owner-loss")
        defer { database.close() }
        func refused(_ sql: PostgresQuery, _ comment: Comment) async {
            await #expect(comment) {
                try await database.transaction { connection in try await connection.query(sql, logger: TestDatabase.logger) }
            } throws: { error in
                (error as? StoreError)?.code == .integrity && (error as? StoreError)?.message.contains("without an owner") == true
            }
        }
        // A case whose only owner is its open task (its timers removed, which the task allows).
        let held = try await StoreWriteConflictTests.caseWithTask(store)
        try await database.transaction { connection in
            try await connection.query("DELETE FROM timers WHERE case_id = \(held.id)", logger: TestDatabase.logger)
        }
        await refused("UPDATE tasks SET closed_at = now(), resolution = 'sql' WHERE case_id = \(held.id)", "a task closed")
        // Claiming changes no owner: allowed.
        try await database.transaction { connection in
            try await connection.query("UPDATE tasks SET assignee = 'agent:alice' WHERE case_id = \(held.id)", logger: TestDatabase.logger)
        }
        await refused("""
            INSERT INTO cases (id, workflow_id, workflow_version, data, status, state, tracks, waiting_on, escalated, version,
                               created_at, entered_state_at, last_event_at)
            SELECT gen_random_uuid(), workflow_id, workflow_version, data, 'open', state, tracks, waiting_on, false, 1, now(), now(), now()
            FROM cases WHERE id = \(held.id)
            """, "a case inserted open without an owner")
        let withdrawn = try await Self.act(store, try await store.create(workflowID: "passeport-identite", data: Self.passportData,
                                                                         actor: Self.operatorActor).id, "annuler-demande", note: "doublon")
        #expect(withdrawn.snapshot.status.isClosed)
        await refused("UPDATE cases SET status = 'open', outcome = NULL, closed_at = NULL WHERE id = \(withdrawn.id)", "a case reopened bare")
        try await Self.expectInvariant(database)
    }

    @Test("history is append-only, even with SQL")
    func historyAppendOnly() async throws {
        let (database, store) = try await Self.store("append-only")
        defer { database.close() }
        let record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        await #expect(throws: (any Error).self) {
            try await database.client.query("UPDATE case_history SET actor = 'x' WHERE case_id = \(record.id)", logger: TestDatabase.logger)
        }
        await #expect(throws: (any Error).self) {
            try await database.client.query("DELETE FROM case_history WHERE case_id = \(record.id)", logger: TestDatabase.logger)
        }
        await #expect(throws: (any Error).self) {
            try await database.client.query("TRUNCATE case_history", logger: TestDatabase.logger)
        }
        #expect(try await store.read(record.id).history.count == record.history.count)
    }

    @Test("a connection lost in the middle of a transaction leaves nothing half-written")
    func connectionLost() async throws {
        let (database, store) = try await Self.store("connection-lost")
        defer { database.close() }
        let record = try await store.create(workflowID: "passeport-identite", data: Self.passportData, actor: Self.operatorActor)
        // A pool of its own for the connection that dies, so the store's pool stays clean.
        let doomed = try await Database.connect(database.url, logger: TestDatabase.logger)
        let outcome = await Self.within(.seconds(20)) {
            try await doomed.transaction { connection in
                try await connection.query("UPDATE cases SET state = 'instruction', version = version + 1 WHERE id = \(record.id)", logger: TestDatabase.logger)
                try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: TestDatabase.logger)
            }
        }
        doomed.close()
        #expect(outcome != .succeeded, "the transaction on a killed connection reported success")
        let after = try await store.read(record.id)
        #expect(after.snapshot.state == "pre-demande" && after.snapshot.version == 1)
    }

    enum Outcome: Equatable { case succeeded, failed, timedOut }

    /// Runs `body` but stops waiting after `limit`: a client stuck on a dead connection must
    /// fail this test, not hang the whole run.
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let once = OnceResume(continuation)
            Task {
                do { try await body(); once.resume(.succeeded) } catch { once.resume(.failed) }
            }
            Task {
                try? await Task.sleep(for: limit)
                once.resume(.timedOut)
            }
        }
    }

    static func result<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    static func count(_ database: Database, _ table: String) async throws -> Int {
        let rows = try await database.client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(table)"), logger: TestDatabase.logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }

    /// The leaves of a nested object as dotted paths.
    static func leaves(_ value: JSONValue, prefix: String = "") -> [(String, JSONValue)] {
        guard let members = value.objectValue, value.value(at: "sha256") == nil else { return [(prefix, value)] }
        return members.flatMap { key, member in leaves(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
    }
}

/// Resumes a continuation once, with the first outcome that arrives.
final class OnceResume<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    init(_ continuation: CheckedContinuation<T, Never>) { self.continuation = continuation }

    func resume(_ value: T) {
        let pending = lock.withLock { () -> CheckedContinuation<T, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: value)
    }
}
