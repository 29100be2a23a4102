import Foundation
import Testing
@testable import Workflow

/// A workflow with deadlines of a second or two, for the worker's tests: a case waits a
/// second in `depart`, then `aiguillage` sends it, by its `voie`, down one way off the
/// ordinary path (or to the end).
enum WorkerTestWorkflow {
    static let text = """
    id: minuteur
    version: 1
    agencies:
      mairie: { name: "Mairie" }
    roles:
      agent: { agency: mairie }
      superviseur: { agency: mairie }
    queues:
      accueil: { role: agent }
      escalades: { role: superviseur, sla: 2s }
    fields:
      voie: { type: enum, values: [sla, attente, boucle, division, manquant, autre, calme, sortie] }
      n: { type: int }
      d: { type: int }
    escalation: { queue: escalades }
    start: depart
    states:
      depart:
        waiting_on: usager
        after: [{ delay: 1s, to: aiguillage }]
      aiguillage:
        choose:
          - { when: 'voie == "sla"', to: instruction }
          - { when: 'voie == "attente"', to: attente }
          - { when: 'voie == "boucle"', to: boucle-a }
          - { when: 'voie == "division"', to: division }
          - { when: 'voie == "manquant"', to: manque }
          - { when: 'voie == "calme"', to: calme }
          - { when: 'voie == "sortie"', to: fin }
      instruction:
        queue: accueil
        sla: 1s
        on:
          accepter: { to: fin }
      attente:
        waiting_on: usager
        sla: 1s
        on:
          repondre: { to: fin }
      boucle-a:
        choose:
          - { when: 'voie == "boucle"', to: boucle-b }
        otherwise: { to: fin }
      boucle-b:
        choose:
          - { when: 'voie == "boucle"', to: boucle-a }
        otherwise: { to: fin }
      division:
        choose:
          - { when: 'n / d > 1', to: fin }
        otherwise: { to: fin }
      manque:
        choose:
          - { when: 'n > 1', to: fin }
        otherwise: { to: fin }
      calme:
        queue: accueil
        stall_after: 1s
        on:
          accepter: { to: fin }
      fin:
        final: true
        outcome: accepted
    """

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
