import Foundation
import Testing
@testable import Workflow

/// The worker tests' workflow (`Fixtures/worker/minuteur.yaml`, deadlines of a second or
/// two) and helpers to run workers on it.
enum WorkerTestWorkflow {
    static let text = try! String(contentsOf: Repository.file("Tests/WorkflowTests/Fixtures/worker/minuteur.yaml"), encoding: .utf8)

    /// A database of its own with this workflow published, and a store on it.
    static func store(_ name: String, retry: StepRetryPolicy = .init(maxAttempts: 3, baseDelay: .milliseconds(200))) async throws
        -> (Database, WorkflowCatalog, CaseStore) {
        let database = try await TestDatabase.fresh(name)
        let repository = WorkflowRepository(database)
        _ = try await repository.publish(source: text, publishedBy: "cli:test")
        let catalog = WorkflowCatalog(repository)
        return (database, catalog, CaseStore(database, catalog: catalog, retryPolicy: retry))
    }

    static func create(_ store: CaseStore, voie: String, data: JSONValue = [:]) async throws -> UUID {
        var payload = data
        try payload.setValue(.string(voie), at: "voie")
        return try await store.create(workflowID: "minuteur", data: payload, actor: CaseActor(.operatorUser(name: "test"))).id
    }

    /// Settings for a worker under test: a short lease and poll, quick retries.
    static func settings(_ id: String, batchSize: Int = 100, lease: Duration = .seconds(5), concurrency: Int = 1) -> WorkerSettings {
        var settings = WorkerSettings(workerID: id)
        settings.batchSize = batchSize
        settings.lease = lease
        settings.pollInterval = .milliseconds(300)
        settings.concurrency = concurrency
        settings.retry = StepRetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200))
        settings.maxReconnectDelay = .seconds(1)
        return settings
    }

    /// Runs `worker` in the background until the returned task's `stop` is called.
    static func start(_ worker: Worker) -> Task<Void, any Error> {
        Task { try await worker.run() }
    }

    /// Waits until `condition` holds, checking every 200 ms, for at most `limit`.
    static func eventually(_ limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    /// The timers fired in a case's history, by timer id: each must appear once.
    static func firedTimers(_ record: CaseRecord) -> [String: Int] {
        var fired: [String: Int] = [:]
        for item in record.history where item.entry.event == "timer" {
            if let id = item.entry.context?.value(at: "timer")?.stringValue { fired[id, default: 0] += 1 }
        }
        return fired
    }
}
