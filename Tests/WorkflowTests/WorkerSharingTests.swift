import Foundation
import MetricsTestKit
import PostgresNIO
import Testing
@testable import Workflow

/// Several workers on one database, a worker that dies holding a batch, a case the database
/// refuses to write, a wake-up by notification and a graceful stop.
@Suite("Worker: leases, sharing and faults")
struct WorkerSharingTests {
    /// Creates `count` cases that fall due together a second later, and waits until they are due.
    static func dueCases(_ store: CaseStore, count: Int, data: (Int) -> JSONValue = { _ in [:] }) async throws -> [UUID] {
        var ids: [UUID] = []
        for index in 0..<count { ids.append(try await WorkerTestWorkflow.create(store, voie: "sortie", data: data(index))) }
        try await Task.sleep(for: .milliseconds(1100))
        return ids
    }

    static func allClosed(_ database: Database, _ ids: [UUID]) async throws -> Bool {
        let rows = try await database.client.query(
            "SELECT count(*)::int FROM cases WHERE id = ANY(\(ids)) AND status = 'closed'", logger: TestDatabase.logger)
        for try await closed in rows.decode(Int.self) { return closed == ids.count }
        return false
    }

    /// Every case's timers fired exactly once, by the history.
    static func expectEachTimerOnce(_ store: CaseStore, _ ids: [UUID], sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        for id in ids {
            let fired = WorkerTestWorkflow.firedTimers(try await store.read(id))
            #expect(fired.count == 1 && fired.values.allSatisfy { $0 == 1 }, "case \(id): timers fired \(fired)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("two workers share 300 due timers and apply each exactly once")
    func twoWorkers() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-two")
        defer { database.close() }
        let ids = try await Self.dueCases(store, count: 300)
        let metrics = (TestMetrics(), TestMetrics())
        let first = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("one", batchSize: 20, concurrency: 2),
                           logger: TestDatabase.logger, metricsFactory: metrics.0)
        let second = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("two", batchSize: 20, concurrency: 2),
                            logger: TestDatabase.logger, metricsFactory: metrics.1)
        let runs = (WorkerTestWorkflow.start(first), WorkerTestWorkflow.start(second))
        let done = try await WorkerTestWorkflow.eventually(.seconds(60)) { try await Self.allClosed(database, ids) }
        first.stop()
        second.stop()
        _ = try await (runs.0.value, runs.1.value)
        #expect(done)
        let applied = try Self.applied(metrics.0) + Self.applied(metrics.1)
        #expect(applied == 300, "the workers applied \(applied) timers for 300 due")
        try await Self.expectEachTimerOnce(store, ids)
        try await StoreCaseTests.expectInvariant(database)
        #expect(try await WorkerRegistry(database).running().isEmpty, "a stopped worker still shows as running")
    }

    @Test("a batch held by a worker that died is applied by another once the lease ends, exactly once")
    func deadWorkersBatch() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-dead")
        defer { database.close() }
        let ids = try await Self.dueCases(store, count: 200)
        // The dead worker: it claimed everything with a 2 s lease, then never applied nor extended it.
        let queue = TimerQueue(database)
        let held = try await queue.claim(limit: 500, worker: "dead", lease: .seconds(2))
        #expect(held.count == 200)
        let survivor = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("survivor", batchSize: 50),
                              logger: TestDatabase.logger)
        let started = ContinuousClock.now
        let running = WorkerTestWorkflow.start(survivor)
        try await Task.sleep(for: .milliseconds(800))
        #expect(try await !Self.allClosed(database, [ids[0]]), "the survivor took a timer whose lease had not ended")
        let done = try await WorkerTestWorkflow.eventually(.seconds(30)) { try await Self.allClosed(database, ids) }
        let took = ContinuousClock.now - started
        survivor.stop()
        try await running.value
        #expect(done && took >= .seconds(1))
        // The dead worker wakes up late: nothing of its batch is applied a second time.
        let late = try await store.applyClaimed(held, worker: "dead")
        #expect(late.allSatisfy { if case .skipped = $0.result { true } else { false } })
        try await Self.expectEachTimerOnce(store, ids)
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("a case the database refuses to write is retried alone, then escalated; the rest of its batch goes through")
    func refusedWrite() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-refused")
        defer { database.close() }
        // Fault injection: this database refuses to close the case whose n is 666.
        try await database.client.query("""
            CREATE FUNCTION refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.status = 'closed' AND NEW.data->>'n' = '666' THEN
                    RAISE EXCEPTION 'the archive refuses case %', NEW.id;
                END IF;
                RETURN NEW;
            END $$
            """, logger: TestDatabase.logger)
        try await database.client.query(
            "CREATE TRIGGER refuse_poisoned BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION refuse_poisoned()",
            logger: TestDatabase.logger)
        let ids = try await Self.dueCases(store, count: 20) { index in index == 7 ? ["n": 666] : [:] }
        let poisoned = ids[7]
        let healthy = ids.filter { $0 != poisoned }
        let metrics = TestMetrics()
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("refused"),
                            logger: TestDatabase.logger, metricsFactory: metrics)
        let running = WorkerTestWorkflow.start(worker)
        let done = try await WorkerTestWorkflow.eventually {
            let escalated = try await store.read(poisoned).snapshot.tasks.contains { $0.escalation?.reason == "action-failed" }
            let closed = try await Self.allClosed(database, healthy)
            return escalated && closed
        }
        worker.stop()
        try await running.value
        #expect(done)
        let record = try await store.read(poisoned)
        #expect(record.snapshot.status == .open && record.snapshot.state == "depart")
        let escalation = record.snapshot.tasks.first { $0.escalation?.reason == "action-failed" }?.escalation
        #expect(escalation?.context.value(at: "error")?.stringValue?.contains("the archive refuses case") == true)
        #expect(escalation?.context.value(at: "attempts") == 3)
        #expect(try metrics.expectCounter("parcours_worker_retries_total").values.reduce(0, +) == 2)
        #expect(try metrics.expectCounter("parcours_worker_batch_failures_total").values.reduce(0, +) >= 1)
        try await Self.expectEachTimerOnce(store, healthy)
        try await StoreCaseTests.expectInvariant(database)
    }

    @Test("a worker asleep on a long poll is woken by work that becomes due")
    func wokenByNotification() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-notify")
        defer { database.close() }
        var settings = WorkerTestWorkflow.settings("sleeper")
        settings.pollInterval = .seconds(120)
        let metrics = TestMetrics()
        let worker = Worker(database: database, catalog: catalog, settings: settings, logger: TestDatabase.logger,
                            metricsFactory: metrics)
        let running = WorkerTestWorkflow.start(worker)
        // The case must come after the worker listens and has made its first claim, else
        // that first claim (not a notification) may find it: wait for its LISTEN session
        // (a fixed pause was not enough on a loaded machine), then a little more.
        let listening = try await WorkerTestWorkflow.eventually(.seconds(10)) {
            let rows = try await database.client.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
                logger: TestDatabase.logger)
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
        #expect(listening, "the worker never listened")
        try await Task.sleep(for: .milliseconds(300))
        let id = try await WorkerTestWorkflow.create(store, voie: "sortie")
        let done = try await WorkerTestWorkflow.eventually(.seconds(10)) { try await Self.allClosed(database, [id]) }
        worker.stop()
        try await running.value
        #expect(done, "the case due in 1 s was not applied within 10 s by a worker polling every 120 s")
        #expect(try metrics.expectCounter("parcours_worker_notifications_total").values.reduce(0, +) >= 1)
        #expect(try metrics.expectTimer("parcours_worker_lag_seconds").values.count == 1)
    }

    @Test("stopping finishes the batch in hand, gives back its leases and says so")
    func gracefulStop() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("worker-stop")
        defer { database.close() }
        let ids = try await Self.dueCases(store, count: 30)
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("stopper", batchSize: 10),
                            logger: TestDatabase.logger)
        let running = WorkerTestWorkflow.start(worker)
        try await Task.sleep(for: .milliseconds(100))
        worker.stop()
        try await running.value
        let locked = try await database.client.query("SELECT count(*)::int FROM timers WHERE locked_by IS NOT NULL",
                                                     logger: TestDatabase.logger)
        for try await count in locked.decode(Int.self) { #expect(count == 0) }
        let stopped = try await database.client.query("SELECT count(*)::int FROM workers WHERE stopped_at IS NOT NULL",
                                                      logger: TestDatabase.logger)
        for try await count in stopped.decode(Int.self) { #expect(count == 1) }
        // Whatever it did not apply is still due for the next worker, and nothing was applied twice.
        let next = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("next"),
                          logger: TestDatabase.logger)
        let again = WorkerTestWorkflow.start(next)
        #expect(try await WorkerTestWorkflow.eventually { try await Self.allClosed(database, ids) })
        next.stop()
        try await again.value
        try await Self.expectEachTimerOnce(store, ids)
        try await StoreCaseTests.expectInvariant(database)
    }

    static func applied(_ metrics: TestMetrics) throws -> Int {
        Int(try metrics.expectCounter("parcours_worker_timers_applied_total", [("kind", "after")]).values.reduce(0, +))
    }
}
