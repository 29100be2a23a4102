import Foundation
import MetricsTestKit
import Testing
@testable import Workflow

/// A migration while the worker applies timers to the same cases: neither loses the other's
/// change, no timer fires twice, and every pending timer belongs to its case's version.
@Suite("Migrating cases while the worker runs")
struct MigrationWorkerTests {
    @Test("a migration during worker batches leaves every case consistent")
    func duringWorkerBatches() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("migr-worker")
        defer { database.close() }
        // Version 2 doubles the deadlines: a case moved keeps its entry, so some fall due at once.
        let v2 = WorkerTestWorkflow.text.replacingOccurrences(of: "version: 1", with: "version: 2")
            .replacingOccurrences(of: "sla: 1s", with: "sla: 2s").replacingOccurrences(of: "stall_after: 1s", with: "stall_after: 2s")
        _ = try await WorkflowRepository(database).publish(source: v2, publishedBy: "cli:test")
        var ids: [UUID] = []
        let ways = ["sla", "attente", "calme", "sortie"]
        for index in 0..<80 {
            ids.append(try await store.create(workflowID: "minuteur", version: 1, data: ["voie": .string(ways[index % ways.count])],
                                              actor: CaseActor(.operatorUser(name: "test"))).id)
        }
        let worker = Worker(database: database, catalog: catalog, settings: WorkerTestWorkflow.settings("w", batchSize: 10, concurrency: 2),
                            logger: TestDatabase.logger, metricsFactory: TestMetrics())
        let run = WorkerTestWorkflow.start(worker)
        let door = CaseService(database: database, catalog: catalog)
        let request = MigrationRequest(workflow: "minuteur", toVersion: 2)
        let caller = CaseCaller.operatorUser("test", via: "test: migrate")
        var moved = 0
        // Mid-batches: the cases leave `depart` after a second, the worker moving them meanwhile.
        try await Task.sleep(for: .milliseconds(900))
        for _ in 0..<5 {
            moved += try await door.migrate(request, by: caller).count(.migrated)
            try await Task.sleep(for: .milliseconds(300))
        }
        try await Task.sleep(for: .seconds(2))
        worker.stop()
        try await run.value
        #expect(moved > 0)

        let definitions = [1: try await catalog.definition(id: "minuteur", version: 1), 2: try await catalog.definition(id: "minuteur", version: 2)]
        var migratedOnce = 0
        for id in ids {
            let record = try await store.read(id)
            let migrated = record.history.filter { $0.entry.event == "migrated" }.count
            #expect(migrated <= 1, "case \(id) migrated \(migrated) times")
            if record.snapshot.status == .open {
                #expect(record.snapshot.workflowVersion == 2, "an open case left on version 1")
                migratedOnce += migrated
            }
            let fired = WorkerTestWorkflow.firedTimers(record)
            #expect(fired.values.allSatisfy { $0 == 1 }, "case \(id): a timer fired twice \(fired)")
            let definition = try #require(definitions[record.snapshot.workflowVersion])
            for timer in record.snapshot.timers where !timer.kind.isClock {
                #expect(definition.state(timer.state) != nil, "a timer of case \(id) names '\(timer.state)', not a state of its version")
            }
        }
        #expect(migratedOnce > 0)
        try await StoreCaseTests.expectInvariant(database)
    }
}
