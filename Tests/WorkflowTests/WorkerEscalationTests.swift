import Foundation
import Testing
@testable import Workflow

/// The worker against the real PostgreSQL: deadlines of a second fall due, and each way off
/// the ordinary path ends as the right escalation, never as a crash or a silent stop.
@Suite("Worker: deadlines and escalations")
struct WorkerEscalationTests {
    @Test("every way off the ordinary path ends as the right escalation, each timer applied once")
    func everyWayOff() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-ways")
        defer { database.close() }
        var cases: [String: UUID] = [:]
        for voie in ["sla", "attente", "boucle", "manquant", "autre", "calme", "sortie"] {
            cases[voie] = try await WorkerTestWorkflow.create(store, voie: voie)
        }
        cases["division"] = try await WorkerTestWorkflow.create(store, voie: "division", data: ["n": 4, "d": 0])
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("ways"),
                            logger: TestDatabase.logger)
        let running = WorkerTestWorkflow.start(worker)

        let expected: [String: String] = [
            "sla": "sla-breached", "attente": "deadline-expired", "boucle": "action-failed", "manquant": "missing-data",
            "autre": "no-rule-matched", "calme": "stalled", "division": "action-failed",
        ]
        let settled = try await WorkerTestWorkflow.eventually {
            for (voie, reason) in expected {
                let record = try await store.read(cases[voie]!)
                guard record.snapshot.tasks.contains(where: { $0.escalation?.reason == reason }) else { return false }
            }
            return try await store.read(cases["sortie"]!).snapshot.status.isClosed
        }
        worker.stop()
        try await running.value
        #expect(settled, "not every case reached its escalation in time")

        for (voie, id) in cases {
            let record = try await store.read(id)
            #expect(WorkerTestWorkflow.firedTimers(record).values.allSatisfy { $0 == 1 }, "\(voie): a timer fired twice")
            if let reason = expected[voie] {
                let escalation = record.snapshot.tasks.first { $0.escalation?.reason == reason }
                #expect(escalation?.queue == "escalades", "\(voie): escalated to \(escalation?.queue ?? "nowhere")")
            }
        }
        // The context says what a person needs to act.
        let loop = try await store.read(cases["boucle"]!).snapshot.tasks.first { $0.escalation != nil }
        #expect(loop?.escalation?.context.value(at: "error")?.stringValue?.contains("loop") == true)
        let missing = try await store.read(cases["manquant"]!).snapshot.tasks.first { $0.escalation != nil }
        #expect(missing?.escalation?.context.value(at: "field")?.stringValue == "n")
        let late = try await store.read(cases["attente"]!).snapshot.tasks.first { $0.escalation != nil }
        #expect(late?.escalation?.context.value(at: "deadline") != nil)
        let unmatched = try await store.read(cases["autre"]!).snapshot.tasks.first { $0.escalation != nil }
        #expect(unmatched?.escalation?.context.value(at: "rules")?.arrayValue?.count == 7)

        // A division by zero in a rule is tried three times, backing off, then escalated with the error.
        let division = try await store.read(cases["division"]!)
        #expect(division.history.filter { $0.entry.event == "step-failed" }.count == 2)
        let failed = division.snapshot.tasks.first { $0.escalation?.reason == "action-failed" }
        #expect(failed?.escalation?.context.value(at: "attempts") == 3)
        #expect(failed?.escalation?.context.value(at: "error")?.stringValue?.contains("zero") == true)
        #expect(division.snapshot.state == "division")
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("an escalation nobody takes escalates again, once, visibly")
    func ignoredEscalation() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-ignored")
        defer { database.close() }
        let id = try await WorkerTestWorkflow.create(store, voie: "manquant")
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("ignored"),
                            logger: TestDatabase.logger)
        let running = WorkerTestWorkflow.start(worker)
        let escalatedTwice = try await WorkerTestWorkflow.eventually {
            try await store.read(id).snapshot.tasks.filter { $0.escalation != nil }.count == 2
        }
        // Long enough for a third escalation, should the second one wrongly have an SLA.
        try await Task.sleep(for: .seconds(3))
        worker.stop()
        try await running.value
        #expect(escalatedTwice)
        let record = try await store.read(id)
        let escalations = record.snapshot.tasks.compactMap(\.escalation)
        #expect(escalations.map(\.reason).sorted() == ["missing-data", "sla-breached"])
        let again = escalations.first { $0.reason == "sla-breached" }
        #expect(again?.context.value(at: "ignored_reason") == "missing-data")
        #expect(record.snapshot.timers.isEmpty)
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("a timer is not applied before it is due; once due it is claimed once")
    func notEarly() async throws {
        let (database, _, store) = try await WorkerTestWorkflow.store("worker-early")
        defer { database.close() }
        let id = try await WorkerTestWorkflow.create(store, voie: "sortie")
        let queue = TimerQueue(database)
        // The database's clock decides: due in an hour, nothing to claim; due a moment ago, claimed once.
        try await database.client.query("UPDATE timers SET due_at = now() + interval '1 hour' WHERE case_id = \(id)",
                                        logger: TestDatabase.logger)
        #expect(try await queue.claim(limit: 10, worker: "early", lease: .seconds(5)).isEmpty)
        let next = try await queue.nextDue()
        #expect(next != nil && next! > .seconds(3500) && next! <= .seconds(3600))
        try await database.client.query("UPDATE timers SET due_at = now() - interval '1 millisecond' WHERE case_id = \(id)",
                                        logger: TestDatabase.logger)
        let claimed = try await queue.claim(limit: 10, worker: "early", lease: .seconds(5))
        #expect(claimed.map(\.caseID) == [id])
        #expect(try await queue.claim(limit: 10, worker: "other", lease: .seconds(5)).isEmpty)
        let applied = try await store.applyClaimed(claimed, worker: "early")
        guard case .applied(_, let state, let closed)? = applied.first?.result else {
            Issue.record("the timer was not applied: \(applied)")
            return
        }
        #expect(state == "fin" && closed)
        #expect(try await store.applyClaimed(claimed, worker: "early").first?.result == .skipped("applied or cancelled meanwhile"))
    }

    @Test("the sweep escalates a case without an owner as orphaned")
    func orphanSweep() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-orphan")
        defer { database.close() }
        let id = try await WorkerTestWorkflow.create(store, voie: "sortie")
        // Make what the database refuses to commit, with its checks switched off for this session.
        try await database.client.withTransaction(logger: TestDatabase.logger) { connection in
            try await connection.query("SET LOCAL session_replication_role = replica", logger: TestDatabase.logger)
            try await connection.query("DELETE FROM timers WHERE case_id = \(id)", logger: TestDatabase.logger)
        }
        #expect(try await OwnerInvariant(database).casesWithoutOwner() == [id])
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("sweep"),
                            logger: TestDatabase.logger)
        #expect(try await worker.sweep() == [id])
        let record = try await store.read(id)
        #expect(record.snapshot.tasks.compactMap(\.escalation?.reason) == ["orphaned"])
        #expect(record.history.contains { $0.entry.event == "sweep" })
        try await StoreCaseTests.expectInvariant(database)
        #expect(try await worker.sweep() == [])
    }
}
