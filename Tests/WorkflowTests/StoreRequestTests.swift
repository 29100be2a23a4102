import Foundation
import PostgresNIO
import Testing
@testable import Workflow

/// Requests to other administrations through the store: the request's row, its timer, its
/// history and its event written in the one statement of the change that opens it; the
/// answer, a newer version, the timeout and the consent given and revoked read back as
/// written, with the owner invariant checked after each.
@Suite("Store: requests to other administrations")
struct StoreRequestTests {
    typealias W = RequestWorkflow
    static let acte = EngineRequestTests.acte
    static let avis = EngineRequestTests.avis

    static func store(_ name: String) async throws -> (Database, CaseStore) {
        let (database, store) = try await StoreCaseTests.store(name)
        _ = try await WorkflowRepository(database).publish(source: W.text, publishedBy: "cli:test")
        return (database, store)
    }

    /// The `case_requests` rows of a case: request, status, versions.
    static func rows(_ database: Database, _ id: UUID) async throws -> [String] {
        let rows = try await database.client.query(
            "SELECT request, status, versions FROM case_requests WHERE case_id = \(id) ORDER BY request", logger: TestDatabase.logger)
        var result: [String] = []
        for try await (request, status, versions) in rows.decode((String, String, Int).self) { result.append("\(request) \(status) \(versions)") }
        return result
    }

    static func events(_ database: Database, _ id: UUID) async throws -> [String] {
        let rows = try await database.client.query(
            "SELECT type FROM case_events WHERE case_id = \(id) ORDER BY seq", logger: TestDatabase.logger)
        var result: [String] = []
        for try await type in rows.decode(String.self) { result.append(type) }
        return result
    }

    @Test("opening and answering: the row, the timer, the event, the field; a newer version replaces it")
    func openAndAnswer() async throws {
        let (database, store) = try await Self.store("requests-answer")
        defer { database.close() }
        let created = try await store.create(workflowID: "bourse-demande", data: ["nom": "Durand"], actor: StoreCaseTests.operatorActor)
        #expect(try await Self.rows(database, created.id) == ["acte sent 0", "avis-imposition withheld 0"])
        var record = try await store.read(created.id)
        let run = try #require(record.snapshot.requests.first { $0.request == "acte" })
        #expect(record.snapshot.timers.contains { $0.id == run.id && $0.kind == .request })
        #expect(record.snapshot.requests.first { $0.request == "avis-imposition" }?.askedCitizen == true)
        #expect(try await Self.events(database, created.id) == ["parcours.case.created", "parcours.request.opened"])
        #expect(record.history.contains { $0.entry.event == "request-withheld" })
        try await StoreCaseTests.expectInvariant(database)

        record = try await store.apply(CaseEvent(.answerRequest(id: run.id, answer: .value(Self.acte)), actor: W.etatCivil), toCase: created.id)
        #expect(record.snapshot.data.value(at: "pieces.acte_naissance") == Self.acte)
        #expect(!record.snapshot.timers.contains { $0.id == run.id })
        #expect(try await Self.rows(database, created.id) == ["acte answered 1", "avis-imposition withheld 0"])
        var newer = Self.acte
        try newer.setValue("acte-2.pdf", at: "name")
        record = try await store.apply(CaseEvent(.answerRequest(id: run.id, answer: .value(newer)), actor: W.etatCivil), toCase: created.id)
        #expect(record.snapshot.data.value(at: "pieces.acte_naissance") == newer)
        #expect(try await Self.rows(database, created.id) == ["acte answered 2", "avis-imposition withheld 0"])
        #expect(try await Self.events(database, created.id).suffix(2) == ["parcours.request.answered", "parcours.request.answered"])
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("consent given midway sends the request, its timeout moves the case, a revocation stops another")
    func consentAndTimeout() async throws {
        let (database, store) = try await Self.store("requests-consent")
        defer { database.close() }
        let created = try await store.create(workflowID: "bourse-demande", data: ["nom": "Durand"], actor: StoreCaseTests.operatorActor)
        var record = try await store.apply(CaseEvent(.setConsent(request: "avis-imposition", granted: true), actor: Actors.citizen),
                                           toCase: created.id)
        #expect(try await Self.rows(database, created.id) == ["acte sent 0", "avis-imposition sent 0"])
        #expect(record.snapshot.consents["avis-imposition"]?.granted == true)
        try await StoreCaseTests.expectInvariant(database)

        // Revoked: stopped, its timer gone, the consent kept as revoked.
        record = try await store.apply(CaseEvent(.setConsent(request: "avis-imposition", granted: false), actor: Actors.citizen),
                                       toCase: created.id)
        #expect(try await Self.rows(database, created.id) == ["acte sent 0", "avis-imposition stopped 0"])
        #expect(record.snapshot.consents["avis-imposition"]?.granted == false)
        #expect(record.history.contains { $0.entry.event == "request-stopped" && $0.entry.reason == "the citizen revoked their consent" })
        try await StoreCaseTests.expectInvariant(database)

        // The birth certificate's sla passes (brought forward here): the worker's batch, which
        // reads its cases' requests with their timers, escalates it; the case stays, and the
        // request with it, late but still awaited.
        let acte = try #require(record.snapshot.requests.first { $0.request == "acte" })
        _ = try await database.client.query("UPDATE timers SET due_at = now() - interval '1 second' WHERE id = \(acte.id)",
                                            logger: TestDatabase.logger)
        let held = try await TimerQueue(database).claim(limit: 10, worker: "requests", lease: .seconds(30))
        #expect(held.map(\.id) == [acte.id])
        _ = try await store.applyClaimed(held, worker: "requests")
        record = try await store.read(created.id)
        #expect(try await Self.rows(database, created.id) == ["acte sent 0", "avis-imposition stopped 0"])
        #expect(record.snapshot.tasks.contains { $0.escalation?.reason == "piece-non-recue" })
        #expect(!record.snapshot.timers.contains { $0.id == acte.id })
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("a request to an agency with a queue is a task there: written, read back, claimed, closed by the answer")
    func requestTask() async throws {
        let (database, store) = try await StoreCaseTests.store("requests-task")
        defer { database.close() }
        _ = try await WorkflowRepository(database).publish(source: EngineRequestTaskTests.text, publishedBy: "cli:test")
        let created = try await store.create(workflowID: "bourse-demande", data: ["nom": "Durand"], actor: StoreCaseTests.operatorActor)
        var record = try await store.read(created.id)
        let run = try #require(record.snapshot.requests.first { $0.request == "acte" })
        let task = try #require(record.snapshot.tasks.first { $0.request == run.id })
        #expect(task.kind == .request && task.queue == "actes" && task.slaDueAt == run.dueAt)
        let listed = try await TaskStore(database).open(queues: ["actes"])
        #expect(listed.map(\.task.id) == [task.id] && listed.first?.task.request == run.id)
        try await TaskStore(database).claim(task.id, by: "agent:e1")
        #expect(try await store.read(created.id).snapshot.tasks.first { $0.id == task.id }?.assignee == "agent:e1")
        try await StoreCaseTests.expectInvariant(database)

        record = try await store.apply(CaseEvent(.answerRequest(id: run.id, answer: .value(Self.acte)), actor: W.etatCivil), toCase: created.id)
        #expect(!record.snapshot.tasks.contains { $0.request != nil })
        let rows = try await database.client.query(
            "SELECT kind, resolution FROM tasks WHERE id = \(task.id)", logger: TestDatabase.logger)
        var closed: [String] = []
        for try await (kind, resolution) in rows.decode((String, String?).self) { closed.append("\(kind) \(resolution ?? "open")") }
        #expect(closed == ["request request answered"])
        #expect(try await TaskStore(database).open(queues: ["actes"]).isEmpty)
        try await StoreCaseTests.expectInvariant(database)
        // The table refuses a request's task that names no request.
        await #expect(throws: (any Error).self) {
            try await database.client.query("""
                INSERT INTO tasks (id, case_id, queue, state, kind, opened_at)
                VALUES (\(UUID()), \(created.id), 'actes', 'instruction', 'request', now())
                """, logger: TestDatabase.logger)
        }
    }
}
