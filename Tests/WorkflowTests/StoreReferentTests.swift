import Foundation
import Testing
@testable import Workflow

/// The referent is written by the one writer for every change, the worker's batches included:
/// a change that is not about the referent keeps it.
@Suite("Store: the referent through the worker's batches")
struct StoreReferentTests {
    @Test("cases whose timers the worker fires in one batch keep their referent; a revoked agent can no longer be named")
    func workerKeepsReferent() async throws {
        let (database, catalog, store) = try await WorkerTestWorkflow.store("referent-worker")
        defer { database.close() }
        let agents = AgentStore(database)
        _ = try await agents.add(id: "m.dupont", agency: "mairie", roles: ["agent"])
        _ = try await agents.add(id: "p.durand", agency: "mairie", roles: ["agent"])
        let door = CaseService(database: database, catalog: catalog)
        let operatorUser = CaseCaller.operatorUser("test", via: "test")
        var ids: [UUID] = []
        for _ in 0..<2 {
            let id = try await WorkerTestWorkflow.create(store, voie: "sla")
            let named = try await door.setReferent(id, agent: "m.dupont", by: operatorUser)
            #expect(named.record.snapshot.referent == "m.dupont" && named.record.referentAgency == "mairie")
            ids.append(id)
        }
        try await Task.sleep(for: .milliseconds(1100))
        let held = try await TimerQueue(database).claim(limit: 100, worker: "batch", lease: .seconds(30))
        #expect(held.count == 2)
        let results = try await store.applyClaimed(held, worker: "batch")
        #expect(results.count == 2)
        for id in ids {
            let record = try await store.read(id)
            #expect(record.snapshot.state == "instruction", "the timer moved the case")
            #expect(record.snapshot.referent == "m.dupont" && record.referentAgency == "mairie", "the batch kept the referent")
        }
        // A revoked agent is refused, with the pointer to the agent named.
        _ = try await agents.revoke(id: "p.durand")
        await #expect(throws: CaseFailure.self) { try await door.setReferent(ids[0], agent: "p.durand", by: operatorUser) }
        do {
            _ = try await door.setReferent(ids[0], agent: "p.durand", by: operatorUser)
        } catch let failure as CaseFailure {
            #expect(failure.refusal == .notAReferent && failure.problems.first?.pointer == "/agent" && failure.message.contains("revoked"))
        }
    }
}
